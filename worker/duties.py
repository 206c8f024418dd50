"""What the worker does by itself, besides queued jobs: reclaim, re-sync, refresh, prune."""
import logging
from datetime import timedelta

from service import delivery, event_binding, sync
from storage import deliveries, job_queue, portals
from storage.columns import utcnow

log = logging.getLogger(__name__)
KEEP_DONE_JOBS = timedelta(days=7)


def run_duties(settings) -> None:
    reaped = job_queue.reap_expired(settings.job_max_attempts)
    if reaped:
        log.warning("took over %d job(s) whose worker stopped", reaped)
    if settings.resync_interval_seconds > 0:
        queue_resyncs(timedelta(seconds=settings.resync_interval_seconds))
    queue_token_refreshes(timedelta(days=settings.token_refresh_after_days))
    queue_due_deliveries()
    event_binding.queue_missing(settings, timedelta(seconds=settings.resync_interval_seconds or 6 * 3600))
    job_queue.prune_finished(KEEP_DONE_JOBS)


def queue_resyncs(interval: timedelta) -> int:
    """Queue syncs of every list whose last sync job of a connected portal is older than `interval`."""
    last = job_queue.last_created(sync.JOB_KINDS)
    due_before, queued = utcnow() - interval, 0
    for member_id in portals.connected_member_ids():
        due = [name for name in sync.LISTS
               if (last.get((member_id, sync.JOB_PREFIX + name)) or due_before) <= due_before]
        queued += sum(sync.queue(member_id, due).values())
    return queued


def queue_token_refreshes(idle_for: timedelta) -> int:
    """Queue a refresh for connected portals whose tokens were last refreshed `idle_for` ago."""
    return sum(job_queue.enqueue(member_id, "refresh_tokens")
               for member_id in portals.refreshed_before(utcnow() - idle_for))


def queue_due_deliveries() -> int:
    """A safety net: every portal with due deliveries has a deliver job (coalesced if it has one)."""
    return sum(delivery.queue(member_id) for member_id in deliveries.portals_with_due())
