"""The one lookup table from a Bitrix24 answer (`error` code, HTTP status) to the client's error type.

Sources for each row: docs/bitrix24.md, "Errors".
"""

from __future__ import annotations

from .errors import (
    ApiError,
    AppUninstalled,
    ExpiredToken,
    InsufficientScope,
    InvalidClient,
    InvalidGrant,
    InvalidToken,
    MethodNotFound,
    NotFound,
    OperationTimeLimit,
    PortalGone,
    PortalOverloaded,
    PortalUnpaid,
    RateLimited,
    ServerError,
    UserDeactivated,
)

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
    "overload_limit": PortalOverloaded,
    "operation_time_limit": OperationTimeLimit,
    "error_method_not_found": MethodNotFound,
    "not_found": NotFound,
    "portal_deleted": PortalGone,
    "application_not_found": AppUninstalled,
    "error_oauth": AppUninstalled,
    "not_installed": AppUninstalled,
    "payment_required": PortalUnpaid,
    "authorization_error": UserDeactivated,
    "internal_server_error": ServerError,
    "error_unexpected_answer": ServerError,
}

# The same code means different things at different statuses: ACCESS_DENIED at 403 (the Russian
# docs) or 401 (the English docs) is the "REST only on commercial plans" block, at 400 it is one
# entity's permissions.
_BY_STATUS_AND_CODE = {
    (403, "access_denied"): PortalUnpaid,
    (401, "access_denied"): PortalUnpaid,
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
