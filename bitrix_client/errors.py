"""Typed Bitrix24 errors; `error_table.py` picks one for each `error` code and HTTP status.

Four attributes tell the service what to do: `retryable` (repeating later may succeed), `stale`
(the portal is unusable until it is connected again; `reason` says why, for people), `hold`
(the portal is blocked for now: hold its work without spending attempts) and, on
`OperationTimeLimit`, `reset_at` (when to come back).
"""

from __future__ import annotations

import time


class BitrixError(Exception):
    """Base of every error the client raises."""

    #: repeating the same request later may succeed (the client repeats it only when it is safe)
    retryable = False
    #: the portal is unusable until the user connects it again
    stale = False
    #: the portal refuses work for now, not for good: hold it without spending attempts
    hold = False
    #: for people (an account's staleReason): what happened and what to do
    reason = ""

    def __init__(self, code="", description="", status=None, method=None, *, request_may_have_run=False):
        self.code = code or ""
        self.description = description or ""
        self.status = status
        self.method = method
        #: True when the portal may have carried the request out (e.g. a read timeout after sending)
        self.request_may_have_run = request_may_have_run
        super().__init__(self.code, self.description, status, method)

    def __str__(self):
        where = f"{self.method}: " if self.method else ""
        status = f"HTTP {self.status} " if self.status else ""
        return f"{where}{status}{self.code or '(no code)'} {self.description}".rstrip()


class ApiError(BitrixError):
    """An error the table does not know: carries the portal's code and description."""


class ExpiredToken(BitrixError):
    """The access token has expired: refresh and repeat."""


class InvalidToken(BitrixError):
    """The access token is unknown (e.g. rotated by another process) or missing."""


class InvalidGrant(BitrixError):
    """The authorization server refused the code or refresh token: the user must connect again."""

    stale = True
    reason = "Bitrix24 refused to renew the portal's tokens: connect the portal again"


class InvalidClient(BitrixError):
    """The authorization server does not accept our client_id/client_secret (a configuration error)."""


class UnknownOAuthServer(BitrixError):
    """An OAuth server off the allowlist: nothing, least of all the client secret, is sent to it."""


class InsufficientScope(BitrixError):
    """The method needs a scope the application was not granted."""


class RateLimited(BitrixError):
    """The portal's request bucket is full: wait and repeat."""

    retryable = True


class OperationTimeLimit(RateLimited):
    """This method spent its operating-time budget (429, or the client's own pause before it).

    `reset_at` (Unix time): when to call the method again; until then the client refuses to.
    """

    def __init__(self, *args, reset_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reset_at = reset_at

    def retry_after(self, now: float | None = None) -> float:
        """Seconds from `now` until `reset_at` (0 when unknown or past)."""
        if self.reset_at is None:
            return 0.0
        return max(0.0, self.reset_at - (time.time() if now is None else now))


class PortalOverloaded(BitrixError):
    """OVERLOAD_LIMIT: Bitrix24 support blocked the portal's REST access by hand; never repeated
    by the client, lifted only through support."""

    retryable = True
    hold = True
    reason = "Bitrix24 support blocked REST access of the portal (OVERLOAD_LIMIT): deliveries wait"


class MethodNotFound(BitrixError):
    """The portal does not know the method."""


class NotFound(BitrixError):
    """The entity asked for does not exist."""


class PortalGone(BitrixError):
    """The portal was deleted or the application removed from it."""

    stale = True
    reason = "the Bitrix24 portal was deleted: connect another portal"


class AppUninstalled(PortalGone):
    """The application was uninstalled from the portal; its tokens are dead."""

    reason = "the application was uninstalled from the Bitrix24 portal: install and connect it again"


class PortalUnpaid(PortalGone):
    """The portal's plan or the application's subscription does not allow REST calls."""

    reason = ("the Bitrix24 plan or the application's subscription does not allow REST calls "
              "(payment required): renew it, then connect again")


class UserDeactivated(BitrixError):
    """authorization_error: the user whose tokens these are was dismissed or deactivated."""

    stale = True
    reason = ("the Bitrix24 user who connected the portal was dismissed or deactivated: "
              "connect it again as an active administrator")


class PortalMoved(BitrixError):
    """The portal answered with a redirect: its address changed to `location`. The request did not
    run; the client refreshes (the token answer brings the new address) and repeats it once."""

    retryable = True

    def __init__(self, *args, location="", **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location


class InsecureEndpoint(BitrixError):
    """Refused to send a token to a non-https endpoint."""


class TransportError(BitrixError):
    """No usable answer: timeout, connection failure or a body that is not JSON."""

    retryable = True


class ServerError(BitrixError):
    """The portal failed with a 5xx error; the request may have run."""

    retryable = True
