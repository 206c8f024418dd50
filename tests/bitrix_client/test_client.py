"""The one `_call`: where tokens may go, which typed error each portal answer becomes, what is logged."""
import logging

import pytest

from bitrix_client import (
    AppUninstalled,
    BitrixClient,
    InsecureEndpoint,
    InsufficientScope,
    InvalidGrant,
    MethodNotFound,
    NotFound,
    PortalGone,
    PortalOverloaded,
    PortalUnpaid,
    ServerError,
    TokenHolder,
    TokenSet,
    UserDeactivated,
    limiter_for,
)


def test_tokens_are_never_sent_to_a_plain_http_endpoint_unless_allowed(portal, oauth):
    holder = TokenHolder(TokenSet.from_answer(portal.issue_tokens()), oauth)
    with pytest.raises(InsecureEndpoint):
        BitrixClient(holder).call("user.current")
    assert portal.stats["requests"] == 0
    assert BitrixClient(holder, allow_http=True).call("user.current")["ID"] == "1"


@pytest.mark.parametrize("name", ["../oauth/token", "user.get?auth=x", "user.get/", "", "user get"])
def test_a_method_name_cannot_leave_the_rest_path(client, portal, name):
    with pytest.raises(ValueError):
        client.call(name)
    assert portal.stats["requests"] == 0


def test_a_client_without_a_limiter_shares_the_portals_default_bucket(portal, oauth):
    holder = TokenHolder(TokenSet.from_answer(portal.issue_tokens()), oauth)
    client = BitrixClient(holder, allow_http=True)
    assert client.limiter is limiter_for(portal.member_id)
    assert (client.limiter.bucket, client.limiter.drain) == (50, 2.0)


def test_call_returns_the_result_and_request_the_whole_answer(client):
    answer = client.request("user.get", {"filter": {"ID": 2}})
    assert answer["total"] == 1 and answer["result"][0]["ID"] == "2" and "time" in answer
    assert client.call("user.get", {"filter": {"ID": 2}}) == answer["result"]


def test_portal_answers_become_typed_errors(client, portal):
    with pytest.raises(MethodNotFound):
        client.call("crm.nothing.here")
    with pytest.raises(NotFound) as missing:  # legacy style: 400 with an empty code
        client.call("crm.deal.get", {"id": 999_999})
    assert missing.value.method == "crm.deal.get" and missing.value.status == 400
    portal.scope = "crm"
    with pytest.raises(InsufficientScope):
        client.call("user.get")


@pytest.mark.parametrize("state, expected", [("deleted", PortalGone), ("unpaid", PortalUnpaid),
                                             ("blocked", PortalUnpaid)])
def test_an_unusable_portal_marks_itself_stale(client, portal, state, expected):
    portal.set_state(state)
    with pytest.raises(expected) as unusable:
        client.call("user.current")
    assert unusable.value.stale
    assert portal.stats["requests"] == 1  # not retried


def test_a_dismissed_user_makes_the_portal_stale_with_a_reason_to_reconnect(client, portal):
    portal.dismiss_user(1)
    with pytest.raises(UserDeactivated) as dismissed:
        client.call("crm.lead.list")
    assert dismissed.value.stale and "active administrator" in dismissed.value.reason
    assert portal.stats["requests"] == 1


@pytest.mark.parametrize("status", [503, 401])
def test_rest_blocked_by_support_is_held_not_repeated(client, portal, status):
    portal.overload_status = status
    portal.set_state("overloaded")
    with pytest.raises(PortalOverloaded) as blocked:
        client.call("crm.lead.list")
    assert blocked.value.hold and not blocked.value.stale and portal.stats["requests"] == 1


@pytest.mark.parametrize("rest_error, refresh_error, expected", [
    ("APPLICATION_NOT_FOUND", "NOT_INSTALLED", AppUninstalled),
    ("ERROR_OAUTH", "NOT_INSTALLED", AppUninstalled),
    ("invalid_token", "NOT_INSTALLED", AppUninstalled),  # renewed, and the refresh tells
    ("invalid_token", "invalid_grant", InvalidGrant),
])
def test_an_uninstalled_app_makes_the_portal_stale(client, portal, fake_bitrix, rest_error, refresh_error, expected):
    portal.uninstalled_rest_error, fake_bitrix.uninstalled_refresh_error = rest_error, refresh_error
    portal.uninstall()
    with pytest.raises(expected) as gone:
        client.call("user.current")
    assert gone.value.stale and gone.value.reason
    assert fake_bitrix.stats.get("token_refresh_token", 0) == (1 if rest_error == "invalid_token" else 0)


def test_no_token_secret_or_code_reaches_the_logs(caplog, fake_bitrix, portal, oauth, make_client):
    caplog.set_level(logging.DEBUG)
    code = portal.approve("state")["code"]
    first = oauth.exchange_code(code)
    client = make_client(portal, tokens=first)
    client.call("user.current")
    fake_bitrix.clock.advance(3600)
    client.call("user.get", {"filter": {"EMAIL": "someone@example.com"}})
    second = client.token_holder.tokens
    portal.fail("crm.lead.add", status=500)
    with pytest.raises(ServerError):
        client.call("crm.lead.add", {"fields": {"NAME": "Personal-Name"}}, write=True)
    client.batch({"a": ("user.get", {"ID": 1}), "b": ("crm.deal.get", {"id": 0})})
    portal.revoke()
    with pytest.raises(InvalidGrant):
        client.call("user.current")

    secrets = [code, fake_bitrix.client_secret, first.access_token, first.refresh_token,
               second.access_token, second.refresh_token, "someone@example.com", "Personal-Name"]
    assert second.access_token != first.access_token
    logged = [record.getMessage() for record in caplog.records]
    assert any("user.current" in line for line in logged)  # the client does log its calls
    for line in logged:
        for secret in secrets:
            assert secret not in line
