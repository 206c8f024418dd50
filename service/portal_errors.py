"""What the service does about each class of Bitrix24 error (the README's table, "Bitrix24 errors").

Three answers besides an ordinary retry or failure: the portal is *stale* (unusable until it is
connected again: `stale_reason` is what the account shows), or it asks us to *wait* (`pause_until`:
the job, or the result, goes back to the queue for that time and no attempt is spent), and while it
waits with `hold` (OVERLOAD_LIMIT), its deliveries show as held with the reason.
"""
from datetime import UTC, datetime, timedelta

from bitrix_client import BitrixError, OperationTimeLimit, PortalMoved
from storage.columns import utcnow

# A 429 whose reset time nobody told us: the oldest basket of the method may drop within a minute.
UNKNOWN_RESET_SECONDS = 60.0
# The refresh did not bring the portal's new address yet: ask the authorization server again later.
MOVED_RETRY_SECONDS = 60.0


def stale_reason(error: BitrixError) -> str:
    """What an account shows as `staleReason`: what happened and what to do, with Bitrix24's code."""
    return f"{error.reason or error} ({error.code or type(error).__name__})"[:500]


def described(error: BitrixError) -> str:
    """The error as a job's or a result's `last_error`."""
    return f"{type(error).__name__}: {error}"[:500]


def waits(error: BitrixError | None) -> bool:
    """Whether the error only asks us to wait: a spent operating budget, a portal that moved, or
    one blocked for now (`hold`); see `pause_until`."""
    return error is not None and (isinstance(error, (OperationTimeLimit, PortalMoved)) or error.hold)


def pause_until(error: BitrixError, settings) -> datetime | None:
    """When the portal lets us try again, for errors that only ask us to wait (no attempt is
    spent); None for every other error."""
    if not waits(error):
        return None
    now = utcnow()
    if isinstance(error, OperationTimeLimit):
        if error.reset_at:
            return max(now, datetime.fromtimestamp(error.reset_at, UTC).replace(tzinfo=None))
        return now + timedelta(seconds=UNKNOWN_RESET_SECONDS)
    if error.hold:
        return now + timedelta(seconds=settings.bitrix_overload_retry_seconds)
    return now + timedelta(seconds=MOVED_RETRY_SECONDS)
