"""How one delivery attempt ends for a result: delivered, failed for good, again later, or put back
without spending an attempt when the portal (not the result) was the obstacle."""
import logging
from datetime import timedelta

from bitrix_client import BitrixError, backoff
from service import portal_errors
from service.delivery import rounds
from service.delivery.work import Work
from storage import deliveries
from storage.columns import utcnow
from storage.db import UNAVAILABLE

log = logging.getLogger(__name__)


def put_back(works: list[Work], error: BitrixError) -> None:
    """The portal stopped the chunk (stale, or blocked for now): no result of it spent an attempt.
    Ids learned so far are kept; the next attempt looks before creating (last_error is set)."""
    reason = portal_errors.described(error)
    for work in works:
        deliveries.update(work.delivery.id, status=deliveries.QUEUED, attempts=work.delivery.attempts,
                          last_error=reason)


def settle(ctx, work: Work) -> None:
    try:
        _record_outcome(ctx, work)
    except UNAVAILABLE:
        raise
    except Exception as error:  # noqa: BLE001 - one result's bookkeeping must not stop the others
        rounds.internal_error(ctx, work, "recording its outcome", error)
        deliveries.update(work.delivery.id, status=deliveries.FAILED, last_error=work.failure)
        ctx.metrics.deliveries.labels("failed").inc()


def _record_outcome(ctx, work: Work) -> None:
    settings, error, delivery_id = ctx.settings, work.error, work.delivery.id
    problems = work.problems
    if work.failure is None and error is None and work.complete:
        deliveries.update(delivery_id, status=deliveries.DELIVERED, last_error=None, delivered_at=utcnow(),
                          problems=problems)
        ctx.metrics.deliveries.labels("delivered").inc()
        return
    reason = work.failure or (portal_errors.described(error) if error else "not every entity was created yet")
    if work.failure is None and portal_errors.waits(error):
        # A spent operating budget or a portal that moved: no fault of the result, no attempt spent.
        deliveries.update(delivery_id, status=deliveries.QUEUED, attempts=work.delivery.attempts,
                          last_error=reason, problems=problems,
                          next_attempt_at=portal_errors.pause_until(error, settings))
        ctx.metrics.deliveries.labels("postponed").inc()
        return
    if work.failure is not None or work.attempts >= settings.delivery_max_attempts:
        deliveries.update(delivery_id, status=deliveries.FAILED, last_error=reason, problems=problems)
        ctx.metrics.deliveries.labels("failed").inc()
        log.warning("delivery %s failed for good: %s", delivery_id, reason)
        return
    ctx.metrics.deliveries.labels("retry").inc()
    delay = backoff(work.attempts, settings.job_retry_base_seconds, settings.job_retry_max_seconds)
    deliveries.update(delivery_id, status=deliveries.QUEUED, last_error=reason, problems=problems,
                      next_attempt_at=utcnow() + timedelta(seconds=delay))
