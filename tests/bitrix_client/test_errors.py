"""The error table: the portal's `error` code and HTTP status pick the type the service reacts to."""
import pytest

from bitrix_client import (
    ApiError,
    AppUninstalled,
    ExpiredToken,
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
    error_for,
)


@pytest.mark.parametrize("code, status, expected", [
    ("expired_token", 401, ExpiredToken),
    ("EXPIRED_TOKEN", 401, ExpiredToken),
    ("invalid_token", 401, InvalidToken),
    ("NO_AUTH_FOUND", 401, InvalidToken),
    ("invalid_grant", 400, InvalidGrant),
    ("wrong_client", 200, InvalidClient),
    ("QUERY_LIMIT_EXCEEDED", 503, RateLimited),
    ("OPERATION_TIME_LIMIT", 429, OperationTimeLimit),
    ("ERROR_METHOD_NOT_FOUND", 404, MethodNotFound),
    ("NOT_FOUND", 400, NotFound),
    ("PORTAL_DELETED", 410, PortalGone),
    ("NOT_INSTALLED", 401, AppUninstalled),
    ("APPLICATION_NOT_FOUND", 401, AppUninstalled),
    ("ERROR_OAUTH", 401, AppUninstalled),
    ("authorization_error", 401, UserDeactivated),
    ("OVERLOAD_LIMIT", 503, PortalOverloaded),
    ("OVERLOAD_LIMIT", 401, PortalOverloaded),
    ("PAYMENT_REQUIRED", 401, PortalUnpaid),
    ("ACCESS_DENIED", 403, PortalUnpaid),
    ("ACCESS_DENIED", 401, PortalUnpaid),
    ("ACCESS_DENIED", 400, ApiError),
    ("INTERNAL_SERVER_ERROR", 500, ServerError),
    ("SOMETHING_NEW", 502, ServerError),
    ("SOMETHING_NEW", 400, ApiError),
])
def test_code_and_status_choose_the_type(code, status, expected):
    error = error_for(code, "text", status, "crm.lead.list")
    assert type(error) is expected
    assert (error.code, error.description, error.status) == (code, "text", status)
    assert error.method == "crm.lead.list"


def test_legacy_not_found_has_an_empty_code():
    assert isinstance(error_for("", "Not found", 400, "crm.deal.get"), NotFound)
    assert type(error_for("", "ID is not defined or invalid", 400, "crm.deal.get")) is ApiError


def test_errors_say_whether_to_retry_and_whether_the_portal_is_unusable():
    assert error_for("QUERY_LIMIT_EXCEEDED", "", 503).retryable
    assert error_for("INTERNAL_SERVER_ERROR", "", 500).request_may_have_run
    assert not error_for("QUERY_LIMIT_EXCEEDED", "", 503).request_may_have_run
    assert error_for("invalid_grant", "", 400).stale
    assert error_for("PORTAL_DELETED", "", 500).stale
    assert not error_for("expired_token", "", 401).stale
    assert not error_for("", "Not found", 400).retryable


def test_operation_time_limit_keeps_the_reset_time():
    body = {"error": "OPERATION_TIME_LIMIT", "time": {"operating": 481.2, "operating_reset_at": 1780000000}}
    assert error_for("OPERATION_TIME_LIMIT", "", 429, body=body).reset_at == 1780000000


def test_stale_errors_say_what_to_do_and_overload_holds_without_being_stale():
    deactivated = error_for("authorization_error", "Unable to authorize user", 401)
    assert deactivated.stale and "active administrator" in deactivated.reason
    unpaid = error_for("PAYMENT_REQUIRED", "Subscription has been ended", 401)
    assert unpaid.stale and "payment required" in unpaid.reason
    assert error_for("NOT_INSTALLED", "", 401).stale and "uninstalled" in error_for("NOT_INSTALLED", "", 401).reason
    overloaded = error_for("OVERLOAD_LIMIT", "REST API is blocked due to overload", 503)
    assert overloaded.hold and not overloaded.stale and "support" in overloaded.reason
    assert not error_for("QUERY_LIMIT_EXCEEDED", "", 503).hold
