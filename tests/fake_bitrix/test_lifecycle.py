"""event.bind / event.get / event.unbind, the installation callback and the uninstall event."""
import pytest
import requests

from fake_bitrix.testing import CLIENT_ID, CLIENT_SECRET

from .test_oauth_flow import refresh, user_current

UNINSTALL_KEYS = {"event", "event_handler_id", "data[LANGUAGE_ID]", "data[CLEAN]", "ts", "auth[domain]",
                  "auth[server_endpoint]", "auth[client_endpoint]", "auth[member_id]",
                  "auth[application_token]"}


def failure(response: requests.Response) -> tuple:
    return response.status_code, response.json()["error"]


def test_handlers_are_bound_listed_and_unbound(rest):
    assert rest.result("event.bind", event="onAppUninstall", handler="https://quiz.example/uninstall") is True
    assert rest.result("event.bind", EVENT="ONCRMLEADADD", HANDLER="https://quiz.example/lead", AUTH_TYPE=1)
    assert rest.result("event.get") == [
        {"event": "ONAPPUNINSTALL", "handler": "https://quiz.example/uninstall", "auth_type": "0", "offline": 0},
        {"event": "ONCRMLEADADD", "handler": "https://quiz.example/lead", "auth_type": "1", "offline": 0}]

    again = rest.post("event.bind", event="ONAPPUNINSTALL", handler="https://quiz.example/uninstall")
    assert failure(again) == (400, "ERROR_CORE")
    assert rest.result("event.unbind", event="ONAPPUNINSTALL", handler="https://quiz.example/uninstall") == \
        {"count": 1}
    assert [bound["event"] for bound in rest.result("event.get")] == ["ONCRMLEADADD"]


@pytest.mark.parametrize("params, expected", [
    ({"event": "ONNOTHING", "handler": "https://quiz.example/h"}, (400, "ERROR_EVENT_NOT_FOUND")),
    ({"event": "ONAPPUNINSTALL"}, (400, "ERROR_ARGUMENT")),
    ({"handler": "https://quiz.example/h"}, (400, "ERROR_ARGUMENT")),
])
def test_bind_refusals(rest, params, expected):
    assert failure(rest.post("event.bind", **params)) == expected


def test_events_need_an_application_token_not_a_webhook(fake_portal):
    answer = requests.post(f"{fake_portal.webhook_url()}event.get", json={}, timeout=5)
    assert failure(answer) == (403, "WRONG_AUTH_TYPE")


def test_the_installation_callback_posts_the_first_pair_form_encoded(fake_portal, event_sink):
    before = fake_portal.application_token
    post = fake_portal.install(event_sink.url)

    assert post.status == 200 and event_sink.content_types == ["application/x-www-form-urlencoded"]
    form = event_sink.received[0]
    assert form["event"] == "ONAPPINSTALL" and form["data[INSTALLED]"] == "Y"
    assert form["auth[application_token]"] == fake_portal.application_token != before
    assert form["auth[member_id]"] == fake_portal.member_id and form["auth[domain]"] == fake_portal.domain
    assert user_current(fake_portal, form["auth[access_token]"]).status_code == 200
    assert form["auth[refresh_token]"] and form["auth[expires_in]"] == "3600"


@pytest.mark.parametrize("clean", [True, False])
def test_uninstall_posts_the_event_to_the_bound_handler_and_kills_the_tokens(rest, fake_bitrix, event_sink,
                                                                             clean):
    portal = rest.portal
    tokens = portal.issue_tokens()
    rest.result("event.bind", event="ONAPPUNINSTALL", handler=event_sink.url)
    rest.result("event.bind", event="ONCRMLEADADD", handler=event_sink.url)

    posts = portal.uninstall(clean=clean)

    assert [post.status for post in posts] == [200] and len(event_sink.received) == 1
    form = event_sink.received[0]
    assert set(form) == UNINSTALL_KEYS and event_sink.content_types == ["application/x-www-form-urlencoded"]
    assert form["event"] == "ONAPPUNINSTALL" and form["data[CLEAN]"] == str(int(clean))
    assert form["auth[member_id]"] == portal.member_id
    assert form["auth[application_token]"] == portal.application_token
    assert form["auth[client_endpoint]"] == portal.client_endpoint
    assert form["auth[server_endpoint]"] == f"{fake_bitrix.oauth_url}/rest/"
    assert not portal.installed and portal.event_handlers == []
    assert failure(user_current(portal, tokens["access_token"])) == (401, "APPLICATION_NOT_FOUND")
    assert failure(refresh(fake_bitrix, tokens["refresh_token"])) == (401, "NOT_INSTALLED")


def test_what_dead_tokens_get_after_an_uninstall_is_switchable(fake_bitrix, fake_portal):
    tokens = fake_portal.issue_tokens()
    fake_portal.uninstalled_rest_error = "ERROR_OAUTH"
    fake_bitrix.uninstalled_refresh_error = "invalid_grant"
    fake_portal.send_event_handler_id = False
    assert fake_portal.uninstall(clean=False) == []  # nothing bound, nothing posted

    assert failure(user_current(fake_portal, tokens["access_token"])) == (401, "ERROR_OAUTH")
    assert failure(refresh(fake_bitrix, tokens["refresh_token"])) == (400, "invalid_grant")
    fake_portal.uninstalled_rest_error = "invalid_token"
    assert failure(user_current(fake_portal, tokens["access_token"])) == (401, "invalid_token")


def test_reinstalling_gives_a_new_application_token_and_old_pairs_stay_dead(fake_bitrix, fake_portal):
    old_pair, old_token = fake_portal.issue_tokens(), fake_portal.application_token
    fake_portal.uninstall()
    code = fake_portal.approve("s")["code"]
    assert fake_portal.installed and fake_portal.application_token != old_token
    answer = requests.get(f"{fake_bitrix.oauth_url}/oauth/token/", timeout=5, params={
        "grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code})
    assert user_current(fake_portal, answer.json()["access_token"]).status_code == 200
    assert failure(user_current(fake_portal, old_pair["access_token"])) == (401, "invalid_token")


def test_an_unreachable_handler_is_reported_not_raised(rest, event_sink):
    url = event_sink.url
    rest.result("event.bind", event="ONAPPUNINSTALL", handler=url)
    event_sink.listener.stop()
    assert [post.status for post in rest.portal.uninstall()] == [None]
