"""The durable job queue: enqueue (coalescing), claim (one running job per portal), finish.

States: queued -> running -> done | failed; queued/running -> held (the portal cannot be used
until it is connected again) -> queued. A running job whose lease expired (its worker died) is
queued again by `reap_expired`; one whose worker stopped gracefully is `give_back`.

Claim order: `priority` (lower first), then the oldest due (`run_after`), then `id`. A job that
re-queues itself to continue (a portal's next chunk of results) is due "now", so it goes behind
every job that was already waiting: portals take turns.
"""
from datetime import datetime, timedelta

from peewee import IntegrityError, fn

from storage.columns import utcnow
from storage.db import insert_sql, is_postgres, run, transaction
from storage.models import Job, JobState
from storage.records import Job as JobRecord
from storage.records import from_row

QUEUED, RUNNING, DONE, FAILED, HELD = (JobState.QUEUED, JobState.RUNNING, JobState.DONE, JobState.FAILED,
                                       JobState.HELD)


# Every submitted result queues its portal's job, which is usually queued already: asked first,
# written out (storage/db.py `run`), so the common case costs one read and no failed insert.
QUEUED_SQL = ('SELECT "run_after" FROM "job" WHERE "member_id" = {p} AND "kind" = {p} AND "key" = {p} '
              'AND "state" = {p}')
# When none is queued, the new job: written out too (bare_app.py in benchmarks runs the same).
_NEW = ("kind", "member_id", "key", "payload", "state", "priority", "attempts", "run_after", "created_at",
        "updated_at")
INSERT_SQL = insert_sql("job", _NEW)


def enqueue(member_id: str, kind: str, key: str = "", payload=None, priority: int = 100,
            run_after: datetime | None = None) -> bool:
    """Queue a job unless the same (portal, kind, key) is already queued; True when added.

    A queued one waiting for a later time is made due at `run_after`: a new quiz result does not
    wait out the backoff of an older one that failed.
    """
    run_after = run_after or utcnow()
    queued = run(QUEUED_SQL, (member_id, kind, key, QUEUED)).fetchone()
    if queued is None:
        try:
            now = utcnow()
            values = {"kind": kind, "member_id": member_id, "key": key, "payload": payload, "state": QUEUED,
                      "priority": priority, "attempts": 0, "run_after": run_after, "created_at": now,
                      "updated_at": now}
            with transaction():
                run(INSERT_SQL, [getattr(Job, name).db_value(values[name]) for name in _NEW])
            return True
        except IntegrityError:
            pass  # queued meanwhile by another process: the one queued job will do it
    elif Job.run_after.python_value(queued[0]) <= run_after:
        return False
    (Job.update(run_after=run_after)
     .where(Job.member_id == member_id, Job.kind == kind, Job.key == key, Job.state == QUEUED,
            Job.run_after > run_after).execute())
    return False


def claim(worker: str, lease_seconds: float, kinds=None) -> JobRecord | None:
    """Take the next due job of a portal that has no running job, or None."""
    for _ in range(5):
        try:
            with transaction(immediate=True):
                job = _next_due(kinds)
                if job is None:
                    return None
                now = utcnow()
                (Job.update(state=RUNNING, worker=worker, attempts=Job.attempts + 1, updated_at=now,
                            lease_until=now + timedelta(seconds=lease_seconds))
                 .where(Job.id == job.id, Job.state == QUEUED).execute())
                return from_row(JobRecord, Job.get_by_id(job.id))
        except IntegrityError:
            # Another worker started a job of the same portal between our select and update.
            continue
    return None


def _next_due(kinds) -> Job | None:
    busy = Job.select(Job.member_id).where(Job.state == RUNNING)
    query = (Job.select(Job.id)
             .where(Job.state == QUEUED, Job.run_after <= utcnow(), Job.member_id.not_in(busy))
             .order_by(Job.priority, Job.run_after, Job.id).limit(1))
    if kinds:
        query = query.where(Job.kind.in_(list(kinds)))
    if is_postgres():
        query = query.for_update(skip_locked=True)
    return query.first()


def extend_leases(job_ids, worker: str, lease_seconds: float) -> int:
    """Keep the leases of a worker's running jobs; returns how many are still its own."""
    return (Job.update(lease_until=utcnow() + timedelta(seconds=lease_seconds))
            .where(Job.id.in_(list(job_ids)), Job.state == RUNNING, Job.worker == worker).execute())


def _finish(job: JobRecord, **values) -> bool:
    values.setdefault("updated_at", utcnow())
    return bool(Job.update(worker=None, lease_until=None, **values)
                .where(Job.id == job.id, Job.state == RUNNING, Job.worker == job.worker).execute())


def done(job: JobRecord) -> bool:
    return _finish(job, state=DONE, last_error=None, finished_at=utcnow())


def retry_later(job: JobRecord, error: str, delay_seconds: float, max_attempts: int) -> bool:
    """Back to the queue after `delay_seconds`, or failed after `max_attempts`."""
    if job.attempts >= max_attempts:
        return fail(job, f"gave up after {job.attempts} attempts: {error}")
    return _requeue(job, error, utcnow() + timedelta(seconds=delay_seconds))


def give_back(job: JobRecord, reason: str, delay_seconds: float) -> bool:
    """Back to the queue, the attempt not counted: its worker is stopping, the job did nothing wrong."""
    return _requeue(job, reason, utcnow() + timedelta(seconds=delay_seconds), spent=False)


def postpone(job: JobRecord, reason: str, until: datetime) -> bool:
    """Back to the queue until `until` without spending an attempt: the portal asked us to wait."""
    return _requeue(job, reason, until, spent=False, others_wait=True)


def _requeue(job: JobRecord, reason: str, run_after: datetime, spent: bool = True,
             others_wait: bool = False) -> bool:
    """Queued again for `run_after`; `spent=False` does not count the attempt. Should the same work
    have been queued meanwhile, that job will do it, with `others_wait` no sooner than this one."""
    values = {} if spent else {"attempts": Job.attempts - 1}
    try:
        with transaction():
            return _finish(job, state=QUEUED, last_error=reason, run_after=run_after, **values)
    except IntegrityError:
        if others_wait:
            (Job.update(run_after=run_after)
             .where(Job.member_id == job.member_id, Job.kind == job.kind, Job.key == job.key, Job.state == QUEUED,
                    Job.run_after < run_after).execute())
        return _finish(job, state=DONE, last_error=f"superseded after: {reason}", finished_at=utcnow())


def fail(job: JobRecord, error: str) -> bool:
    return _finish(job, state=FAILED, last_error=error, finished_at=utcnow())


def hold(job: JobRecord, reason: str) -> bool:
    """Park the job until its portal is connected again."""
    return _finish(job, state=HELD, last_error=reason)


def release_held(member_id: str) -> int:
    """Queue again the held jobs of a portal (it was connected again)."""
    released = 0
    for job in Job.select().where(Job.member_id == member_id, Job.state == HELD).order_by(Job.id):
        try:
            with transaction():
                released += Job.update(state=QUEUED, run_after=utcnow(), attempts=0).where(
                    Job.id == job.id).execute()
        except IntegrityError:
            Job.update(state=DONE, finished_at=utcnow(), last_error="superseded").where(
                Job.id == job.id).execute()
    return released


def reap_expired(max_attempts: int) -> int:
    """Queue again the running jobs whose worker stopped renewing its lease."""
    expired = [from_row(JobRecord, row)
               for row in Job.select().where(Job.state == RUNNING, Job.lease_until < utcnow())]
    for job in expired:
        retry_later(job, f"worker {job.worker} lost its lease", 0, max_attempts)
    return len(expired)


def stop_queued(member_id: str, hold_kinds, reason: str) -> int:
    """The portal cannot be used: its queued jobs of `hold_kinds` wait until it is connected again,
    the others are cancelled."""
    queued = (Job.member_id == member_id) & (Job.state == QUEUED)
    held = (Job.update(state=HELD, last_error=reason, updated_at=utcnow())
            .where(queued & Job.kind.in_(list(hold_kinds))).execute())
    return held + (Job.update(state=FAILED, last_error=reason, finished_at=utcnow(), updated_at=utcnow())
                   .where(queued).execute())


def cancel_queued(member_id: str, kinds, reason: str) -> int:
    """Drop queued jobs of these kinds for a portal (e.g. syncs of a portal that went stale)."""
    return (Job.update(state=FAILED, last_error=reason, finished_at=utcnow(), updated_at=utcnow())
            .where(Job.member_id == member_id, Job.kind.in_(list(kinds)), Job.state == QUEUED).execute())


def latest(member_id: str, kind: str, key: str = "") -> JobRecord | None:
    """The newest job of that kind for the portal."""
    row = (Job.select().where(Job.member_id == member_id, Job.kind == kind, Job.key == key)
           .order_by(Job.id.desc()).first())
    return from_row(JobRecord, row) if row else None


def last_created(kinds) -> dict:
    """{(member_id, kind): when the newest job of that kind was queued} for these kinds."""
    newest = fn.MAX(Job.created_at).python_value(Job.created_at.python_value)
    rows = (Job.select(Job.member_id, Job.kind, newest.alias("last"))
            .where(Job.kind.in_(list(kinds))).group_by(Job.member_id, Job.kind).dicts())
    return {(row["member_id"], row["kind"]): row["last"] for row in rows}


def depth_by_kind() -> dict:
    """Queued jobs per kind with the age in seconds of the oldest one (for metrics)."""
    now = utcnow()
    oldest = fn.MIN(Job.created_at).python_value(Job.created_at.python_value)
    rows = (Job.select(Job.kind, fn.COUNT(Job.id).alias("n"), oldest.alias("oldest"))
            .where(Job.state == QUEUED).group_by(Job.kind).dicts())
    return {row["kind"]: (row["n"], (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0)
            for row in rows}


def prune_finished(older_than: timedelta) -> int:
    """Delete done jobs older than `older_than` (failed ones stay for operators to read)."""
    return Job.delete().where(Job.state == DONE, Job.finished_at < utcnow() - older_than).execute()
