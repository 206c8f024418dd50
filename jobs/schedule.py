"""What the worker does by itself, besides queued jobs: reclaim, re-sync, refresh, prune."""
import logging
from datetime import timedelta

from peewee import fn

from integration import delivery, sync
from storage import deliveries, jobs
from storage.columns import utcnow
from storage.models import Account, Delivery, Job, Portal

log = logging.getLogger(__name__)
KEEP_DONE_JOBS = timedelta(days=7)


def run_duties(settings) -> None:
    reaped = jobs.reap_expired(settings.job_max_attempts)
    if reaped:
        log.warning("took over %d job(s) whose worker stopped", reaped)
    if settings.resync_interval_seconds > 0:
        queue_resyncs(timedelta(seconds=settings.resync_interval_seconds))
    queue_token_refreshes(timedelta(days=settings.token_refresh_after_days))
    queue_due_deliveries()
    jobs.prune_finished(KEEP_DONE_JOBS)


def _connected_portals():
    """Portals with usable tokens that some live account is bound to."""
    bound = Account.select(Account.member_id).where(Account.deleted == False,  # noqa: E712
                                                    Account.member_id.is_null(False))
    return Portal.select().where(Portal.stale == False, Portal.member_id.in_(bound))  # noqa: E712


def queue_resyncs(interval: timedelta) -> int:
    """Queue syncs of every list whose last sync job of a connected portal is older than `interval`."""
    newest = fn.MAX(Job.created_at).python_value(Job.created_at.python_value)
    last = {(row["member_id"], row["kind"]): row["last"] for row in
            Job.select(Job.member_id, Job.kind, newest.alias("last"))
            .where(Job.kind.in_(list(sync.JOB_KINDS))).group_by(Job.member_id, Job.kind).dicts()}
    due_before, queued = utcnow() - interval, 0
    for portal in _connected_portals():
        due = [name for name in sync.LISTS
               if (last.get((portal.member_id, sync.JOB_PREFIX + name)) or due_before) <= due_before]
        queued += sum(sync.queue(portal.member_id, due).values())
    return queued


def queue_token_refreshes(idle_for: timedelta) -> int:
    """Queue a refresh for connected portals whose tokens were last refreshed `idle_for` ago."""
    queued = 0
    for portal in _connected_portals().where(Portal.refreshed_at < utcnow() - idle_for):
        queued += jobs.enqueue(portal.member_id, "refresh_tokens")
    return queued


def queue_due_deliveries() -> int:
    """A safety net: every portal with due deliveries has a deliver job (coalesced if it has one)."""
    portals_due = (Delivery.select(Delivery.member_id).distinct()
                   .where(Delivery.status.in_(list(deliveries.PENDING)), Delivery.next_attempt_at <= utcnow()))
    return sum(jobs.enqueue(row.member_id, delivery.JOB_KIND) for row in portals_due)
