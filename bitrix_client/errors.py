"""Typed Bitrix24 errors, chosen from a lookup table on the `error` code and HTTP status."""

from __future__ import annotations


class BitrixError(Exception):
    """Base of every error the client raises."""

    #: repeating the same request later may succeed (the client repeats it only when it is safe)
    retryable = False
    #: the portal is unusable until the user connects it again
    stale = False

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


class InvalidClient(BitrixError):
    """The authorization server does not accept our client_id/client_secret (a configuration error)."""


class InsufficientScope(BitrixError):
    """The method needs a scope the application was not granted."""


class RateLimited(BitrixError):
    """The portal's request bucket is full (or REST is overloaded): wait and repeat."""

    retryable = True


class OperationTimeLimit(RateLimited):
    """This method used up its execution-time budget; `reset_at` says when it frees up."""

    def __init__(self, *args, reset_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reset_at = reset_at


class MethodNotFound(BitrixError):
    """The portal does not know the method."""


class NotFound(BitrixError):
    """The entity asked for does not exist."""


class PortalGone(BitrixError):
    """The portal was deleted or the application removed from it."""

    stale = True


class PortalUnpaid(PortalGone):
    """The portal's plan or the application's subscription does not allow REST calls."""


class PortalMoved(BitrixError):
    """The portal answered with a redirect: its address changed to `location`."""

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


_BY_CODE = {
    "expired_token": ExpiredToken,
    "invalid_token": InvalidToken,
    "no_auth_found": InvalidToken,
    "invalid_grant": InvalidGrant,
    "invalid_client": InvalidClient,
    "wrong_client": InvalidClient,
    "insufficient_scope": InsufficientScope,
    "invalid_scope": InsufficientScope,
    "query_limit_exceeded": RateLimited,
    "overload_limit": RateLimited,
    "operation_time_limit": OperationTimeLimit,
    "error_method_not_found": MethodNotFound,
    "not_found": NotFound,
    "portal_deleted": PortalGone,
    "application_not_found": PortalGone,
    "error_oauth": PortalGone,
    "not_installed": PortalGone,
    "payment_required": PortalUnpaid,
    "internal_server_error": ServerError,
    "error_unexpected_answer": ServerError,
}

# The same code means different things at different statuses: a 403 ACCESS_DENIED is the
# "REST only on commercial plans" block, a 400 ACCESS_DENIED is one entity's permissions.
_BY_STATUS_AND_CODE = {
    (403, "access_denied"): PortalUnpaid,
}

_BY_STATUS = {429: OperationTimeLimit, 404: MethodNotFound}


def error_for(code, description="", status=None, method=None, *, body=None):
    """Build the typed error for an `error` code (case-insensitive), HTTP status and method."""
    key = (code or "").lower()
    cls = _BY_STATUS_AND_CODE.get((status, key)) or _BY_CODE.get(key)
    if cls is None and not key and (description or "").strip().rstrip(".!").lower() == "not found":
        cls = NotFound  # legacy crm.* style: 400 with an empty code
    if cls is None and not key:
        cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status and status >= 500 else ApiError
    kwargs = {"request_may_have_run": cls is ServerError}
    if cls is OperationTimeLimit:
        kwargs["reset_at"] = _reset_at(body)
    return cls(code, description, status, method, **kwargs)


def _reset_at(body):
    """`operating_reset_at` from an answer's `time` object, when the portal sent one."""
    timing = body.get("time") if isinstance(body, dict) else None
    value = timing.get("operating_reset_at") if isinstance(timing, dict) else None
    return value if isinstance(value, (int, float)) else None
