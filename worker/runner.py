"""The worker: claims due jobs and runs up to WORKER_CONCURRENCY of them at once, one per portal.

One claim loop (`run`) fills free slots with due jobs, oldest first, and does the worker's own
duties; each job runs in a slot of its own (worker/slots.py) with a database connection of its own,
and one thread keeps every running job's lease (worker/leases.py). The queue lets one job per portal
run at a time, so each portal's requests still go one after another through its limiter.

Stopping (`stop` set): nothing more is claimed; running jobs have WORKER_STOP_GRACE_SECONDS to end,
and those still running are given back to the queue, due again once a request they may have in
flight has timed out (BITRIX_TIMEOUT_SECONDS), so that no one repeats a write still under way.
"""
import logging
import os
import socket
import threading
import time

from bitrix_client import BitrixError, backoff
from service import portal_errors
from service.portal_client import PortalUnusable
from storage import job_queue, portals
from storage.db import UNAVAILABLE, connection
from worker import duties
from worker.kinds import HOLD, registry
from worker.leases import LeaseKeeper
from worker.slots import Slots

log = logging.getLogger(__name__)
DUTIES_EVERY = 30.0
REAP_EVERY = 5.0  # a dead worker's job is taken over soon after its lease ends


class Worker:
    def __init__(self, ctx, kinds=None, name=None):
        self.ctx = ctx
        self.settings = ctx.settings
        self.kinds = kinds or registry()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 10000}"
        self.leases = LeaseKeeper(self.name, self.settings.job_lease_seconds)
        self._interrupted = []  # jobs the database went away under, to queue again when it is back
        self._interrupted_lock = threading.Lock()

    def run(self, stop: threading.Event) -> None:
        """Work until `stop` is set; then finish or give back the running jobs."""
        slots = Slots(self.settings.worker_concurrency)
        log.info("worker %s started, %d jobs at a time", self.name, slots.size)
        next_duties = next_reap = 0.0
        while not stop.is_set():
            try:
                self._requeue_interrupted()
                if time.monotonic() >= next_duties:
                    with connection():
                        duties.run_duties(self.settings)
                    next_duties, next_reap = time.monotonic() + DUTIES_EVERY, time.monotonic() + REAP_EVERY
                elif time.monotonic() >= next_reap:
                    with connection():
                        job_queue.reap_expired(self.settings.job_max_attempts)
                    next_reap = time.monotonic() + REAP_EVERY
                self._fill(slots, stop)
            except UNAVAILABLE as error:
                log.error("worker %s: database unavailable (%s), waiting", self.name, type(error).__name__)
                stop.wait(self.settings.worker_poll_seconds * 5)
                continue
            # A job that ends may leave work due at once (the next chunk of a portal's results).
            slots.wait(self.settings.worker_poll_seconds)
        self._stop(slots)
        log.info("worker %s stopped", self.name)

    def _fill(self, slots: Slots, stop: threading.Event) -> None:
        """Claim due jobs while a slot is free."""
        while slots.free() and not stop.is_set():
            with connection():
                job = job_queue.claim(self.name, self.settings.job_lease_seconds)
            if job is None:
                return
            slots.start(job, self._run_in_slot)

    def _run_in_slot(self, job) -> None:
        try:
            with connection():
                self._execute(job)
        except UNAVAILABLE as error:
            log.error("job %s: database unavailable (%s); queued again when it is back", job.id,
                      type(error).__name__)
        except Exception:  # noqa: BLE001 - the job's own errors are handled in _outcome; this is our bug
            log.exception("job %s: the worker failed around it", job.id)

    def _stop(self, slots: Slots) -> None:
        left = slots.wait_idle(self.settings.worker_stop_grace_seconds)
        for job in left:
            self.leases.drop(job)
            try:
                with connection():
                    given = job_queue.give_back(job, f"worker {self.name} stopped during the job",
                                                self.settings.bitrix_timeout_seconds)
                if given:  # else it ended in the meantime
                    log.warning("job %s kind=%s portal=%s given back: still running when the worker stopped",
                                job.id, job.kind, job.member_id)
            except UNAVAILABLE:
                log.error("job %s could not be given back (database unavailable): taken over when its lease "
                          "ends", job.id)

    def run_once(self, kinds=None) -> bool:
        """Claim and run one due job in this thread; False when there was none (tests, tools)."""
        with connection():
            job = job_queue.claim(self.name, self.settings.job_lease_seconds, kinds)
            if job is None:
                return False
            self._execute(job)
            return True

    def _requeue_interrupted(self) -> None:
        """The database is back: queue at once the jobs it went away under (no lease wait)."""
        with self._interrupted_lock:
            jobs, self._interrupted = self._interrupted, []
        for index, job in enumerate(jobs):
            try:
                with connection():
                    job_queue.retry_later(job, "database unavailable during the job", 0,
                                          self.settings.job_max_attempts)
            except UNAVAILABLE:
                with self._interrupted_lock:
                    self._interrupted.extend(jobs[index:])
                raise

    def drain(self, deadline_seconds: float = 30.0) -> int:
        """Run due jobs one after another until none is left (tests, tools); returns how many ran."""
        ran, until = 0, time.monotonic() + deadline_seconds
        while time.monotonic() < until and self.run_once():
            ran += 1
        return ran

    def _execute(self, job) -> None:
        kind = self.kinds.get(job.kind)
        if kind is None:
            job_queue.fail(job, f"unknown job kind {job.kind!r}")
            return
        started = time.monotonic()
        try:
            with self.leases.held(job):
                outcome = self._outcome(job, kind)
        except UNAVAILABLE:
            with self._interrupted_lock:
                self._interrupted.append(job)
            raise
        elapsed_ms = (time.monotonic() - started) * 1000
        self.ctx.metrics.jobs.labels(job.kind, outcome).inc()
        log.info("job %s kind=%s portal=%s attempt=%d outcome=%s duration_ms=%.0f", job.id, job.kind,
                 job.member_id, job.attempts, outcome, elapsed_ms,
                 extra={"fields": {"job": job.id, "kind": job.kind, "portal": job.member_id,
                                   "attempt": job.attempts, "outcome": outcome, "duration_ms": round(elapsed_ms)}})

    def _outcome(self, job, kind) -> str:
        try:
            kind.run(self.ctx, job)
        except PortalUnusable as error:
            return self._portal_unusable(job, kind, error.message)
        except BitrixError as error:
            return self._bitrix_error(job, kind, error)
        except UNAVAILABLE:
            raise
        except Exception as error:  # noqa: BLE001 - a bug must not stop the worker; the job says why
            log.exception("job %s kind=%s crashed", job.id, job.kind)
            self._retry(job, f"internal error: {type(error).__name__}")
            return "retry"
        job_queue.done(job)
        return "done"

    def _bitrix_error(self, job, kind, error: BitrixError) -> str:
        """The README's table "Bitrix24 errors": stale, wait for the portal, retry, or fail."""
        reason = portal_errors.described(error)
        if error.stale:
            stale = portal_errors.stale_reason(error)
            log.warning("portal %s is unusable: %s", job.member_id, reason)
            portals.mark_stale(job.member_id, stale)
            return self._portal_unusable(job, kind, stale)
        until = portal_errors.pause_until(error, self.settings)
        if until is not None:
            return self._wait_for_portal(job, kind, error, reason, until)
        if error.retryable:
            self._retry(job, reason)
            return "retry"
        job_queue.fail(job, reason)
        return "failed"

    def _wait_for_portal(self, job, kind, error: BitrixError, reason: str, until) -> str:
        """Back to the queue for when the portal lets us in, no attempt spent, nobody sleeping; with
        `hold` (OVERLOAD_LIMIT) the deliveries wait as held, with the reason, until the job runs again."""
        log.info("job %s kind=%s portal=%s waits until %s: %s", job.id, job.kind, job.member_id,
                 until.isoformat(timespec="seconds"), reason)
        if error.hold and kind.on_hold is not None:
            kind.on_hold(job, error.reason or reason)
        job_queue.postpone(job, reason, until)
        return "held" if error.hold else "postponed"

    def _portal_unusable(self, job, kind, reason: str) -> str:
        if kind.when_portal_unusable == HOLD:
            job_queue.hold(job, reason)
            if kind.on_hold is not None:
                kind.on_hold(job, reason)
            return "held"
        job_queue.fail(job, reason)
        cancellable = [name for name, other in self.kinds.items() if other.when_portal_unusable != HOLD]
        job_queue.cancel_queued(job.member_id, cancellable, reason)
        return "cancelled"

    def _retry(self, job, reason: str) -> None:
        delay = backoff(job.attempts, self.settings.job_retry_base_seconds, self.settings.job_retry_max_seconds)
        job_queue.retry_later(job, reason, delay, self.settings.job_max_attempts)


def start_in_background(ctx) -> tuple[threading.Thread, threading.Event]:
    """The worker in a daemon thread of this process (the API's embedded worker)."""
    stop = threading.Event()
    thread = threading.Thread(target=Worker(ctx).run, args=(stop,), name="job-worker", daemon=True)
    thread.start()
    return thread, stop
