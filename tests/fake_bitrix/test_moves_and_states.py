"""A portal that changed its address, the error switches of unusable portals, dismissed users."""
import pytest
import requests

from .test_oauth_flow import refresh, user_current


def failure(response: requests.Response) -> tuple:
    return response.status_code, response.json()["error"]


@pytest.mark.parametrize("status", [302, 301])
def test_the_old_address_redirects_every_call_and_a_refresh_names_the_new_one(fake_bitrix, fake_portal, status):
    tokens = fake_portal.issue_tokens()
    old = fake_portal.move(status=status)
    assert old != fake_portal.url

    moved = requests.post(f"{old}/rest/crm.lead.add?x=1", json={"auth": tokens["access_token"],
                          "fields": {"TITLE": "t"}}, allow_redirects=False, timeout=5)
    assert moved.status_code == status
    assert moved.headers["Location"] == f"{fake_portal.url}/rest/crm.lead.add?x=1"
    assert fake_portal.data.rows("lead") == [], "the redirected call did not run"
    assert user_current(fake_portal, tokens["access_token"]).status_code == 200, "tokens keep working"
    assert refresh(fake_bitrix, tokens["refresh_token"]).json()["client_endpoint"] == fake_portal.client_endpoint
    assert fake_portal.stats["redirected"] == 1


@pytest.mark.parametrize("state, switch, status, code", [
    ("overloaded", None, 503, "OVERLOAD_LIMIT"),
    ("overloaded", ("overload_status", 401), 401, "OVERLOAD_LIMIT"),
    ("blocked", ("blocked_status", 401), 401, "ACCESS_DENIED"),
    ("unpaid", None, 401, "PAYMENT_REQUIRED"),
    ("deleted", ("deleted_status", 500), 500, "PORTAL_DELETED"),
])
def test_unusable_portals_answer_with_the_switched_status(rest, state, switch, status, code):
    if switch:
        setattr(rest.portal, *switch)
    rest.portal.set_state(state)
    assert failure(rest.post("profile")) == (status, code)


def test_a_dismissed_user_cannot_act(fake_portal, rest):
    fake_portal.dismiss_user(1)
    answer = rest.post("crm.lead.list")
    assert failure(answer) == (401, "authorization_error")
    assert answer.json()["error_description"] == "Unable to authorize user"
    assert fake_portal.data.user(1)["ACTIVE"] is False
