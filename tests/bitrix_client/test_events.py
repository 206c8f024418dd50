"""Events as the portal posts them: parsing, believing them, binding their handlers."""
import pytest

from bitrix_client import InvalidToken, TokenSet
from bitrix_client.events import app_installed, bind, nest, parse_event


@pytest.fixture
def sink(event_sink):
    return event_sink


@pytest.mark.parametrize("clean", [True, False])
def test_an_uninstall_event_as_posted_is_parsed_and_checked_against_the_stored_token(client, portal, sink,
                                                                                     clean):
    assert bind(client, "ONAPPUNINSTALL", sink.url) is True
    assert bind(client, "ONAPPUNINSTALL", sink.url) is False  # already bound: not an error
    stored = portal.application_token
    portal.uninstall(clean=clean)

    event = parse_event(sink.received[0])
    assert (event.event, event.member_id, event.clean) == ("ONAPPUNINSTALL", portal.member_id, clean)
    assert event.token_matches(stored) and not event.token_matches("forged") and not event.token_matches(None)
    assert event.auth["client_endpoint"] == portal.client_endpoint and event.handler_id == 1
    assert "application_token" not in repr(event) and stored not in repr(event)


def test_the_installation_callback_carries_a_usable_pair(portal, sink, make_client):
    portal.install(sink.url)
    event = parse_event(sink.received[0])
    assert event.event == "ONAPPINSTALL" and event.token_matches(portal.application_token)
    tokens = TokenSet.from_answer(event.auth)
    assert make_client(portal, tokens=tokens).call("user.current")["ID"] == "1"


def test_json_bodies_and_refusals():
    body = {"event": "onAppUninstall", "data": {"CLEAN": 1}, "auth": {"member_id": "m", "application_token": "t"}}
    assert parse_event(body).clean and parse_event(body).event == "ONAPPUNINSTALL"
    assert nest([("a[b][c]", "1"), ("a[d]", "2"), ("x", "3")]) == {"a": {"b": {"c": "1"}, "d": "2"}, "x": "3"}
    unsigned = {"event": "X", "auth[member_id]": "m"}
    nameless = {"auth[member_id]": "m", "auth[application_token]": "t"}
    for broken in ({}, unsigned, nameless):
        with pytest.raises(ValueError):
            parse_event(broken)


def test_the_portal_confirms_whether_the_app_is_still_installed(client, portal, fake_bitrix):
    assert app_installed(client) is True
    portal.uninstall()
    assert app_installed(client) is False


def test_a_transient_answer_is_not_taken_for_an_uninstall(client, portal):
    portal.fail("app.info", times=2, status=401, error="invalid_token")
    with pytest.raises(InvalidToken):
        app_installed(client)
