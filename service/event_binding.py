"""Binding the application's ONAPPUNINSTALL handler on connected portals, as background jobs.

Bitrix24 tells an application it was removed only through a handler bound with `event.bind`, and
drops the application's handlers when it is removed or updated. The handler is this service's
`POST /webhook/uninstall`, at PUBLIC_URL; without PUBLIC_URL nothing is bound (the README says what
the operator does then).
"""
import logging
from datetime import timedelta

from bitrix_client import ApiError, events
from service import portal_client
from storage import job_queue, portals
from storage.columns import utcnow

log = logging.getLogger(__name__)
JOB_KIND = "bind_events"
EVENT = "ONAPPUNINSTALL"


def handler_url(settings) -> str | None:
    """Where Bitrix24 posts ONAPPUNINSTALL, or None when the service has no public URL."""
    return f"{settings.public_url}/webhook/uninstall" if settings.public_url else None


def queue(ctx, member_id: str) -> bool:
    """Queue binding the handler on the portal (nothing without PUBLIC_URL)."""
    return handler_url(ctx.settings) is not None and job_queue.enqueue(member_id, JOB_KIND)


def run_job(ctx, job) -> None:
    """The `bind_events` job: bind the handler, drop one bound at an earlier PUBLIC_URL."""
    handler = handler_url(ctx.settings)
    if handler is None:
        return
    client = portal_client.client_for(ctx, job.member_id)
    events.bind(client, EVENT, handler)
    previous = portals.facts(job.member_id).event_handler
    if previous and previous != handler:
        try:
            client.call("event.unbind", {"event": EVENT, "handler": previous}, write=True)
        except ApiError as error:
            log.warning("portal %s: could not unbind the previous handler: %s", job.member_id, error.code)
    portals.set_event_handler(job.member_id, handler)


def queue_missing(settings, every: timedelta) -> int:
    """Queue binds for connected portals without the current handler (bound before PUBLIC_URL was set,
    or at another URL), at most once per `every` for each portal: a portal that refuses is not pestered."""
    handler = handler_url(settings)
    if handler is None:
        return 0
    last = job_queue.last_created((JOB_KIND,))
    due_before = utcnow() - every
    return sum(job_queue.enqueue(member_id, JOB_KIND) for member_id in portals.without_event_handler(handler)
               if (last.get((member_id, JOB_KIND)) or due_before) <= due_before)
