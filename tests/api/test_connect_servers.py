"""The callback and refreshes against Bitrix24's two OAuth servers, and callbacks of another portal.

Over HTTP against the fake's international and regional servers; what each server received is
counted on the fake, so "nothing was sent" is a number, not an assumption.
"""
import dataclasses

import pytest

from service.context import Context
from settings import Settings
from storage import db
from storage.models import Account, Job, OAuthState, Portal
from tests.api.test_connect import account_row, approve, callback, request_connection
from tests.conftest import auth
from worker.runner import Worker

ERROR_PAGE = "https://quiz.example/integrations?bitrix_error="


def token_requests(host) -> int:
    return sum(count for name, count in host.stats.items() if name.startswith("token_by_"))


@pytest.fixture
def both_servers(fake_settings, fake_bitrix):
    return dataclasses.replace(fake_settings, bitrix_oauth_servers=tuple(fake_bitrix.oauth_urls))


def service_for(settings):
    from wsgi import create_app
    return create_app(settings).test_client()


@pytest.fixture
def service(both_servers):
    with service_for(both_servers) as client:
        yield client


def stored_portal(member_id):
    with db.connection():
        return Portal.get_or_none(Portal.member_id == member_id)


def test_a_regional_portal_is_connected_and_refreshed_at_its_own_server(service, both_servers, fake_bitrix):
    portal = fake_bitrix.add_portal(users=3, oauth="regional")
    international, regional = fake_bitrix.oauth_host("international"), fake_bitrix.oauth_host("regional")
    answer = request_connection(service, portal)
    assert callback(service, approve(answer["authURL"])).headers["location"] == "https://quiz.example/integrations"
    assert service.get("/bitrix/account", headers=auth()).json()["stale"] is False
    assert stored_portal(portal.member_id).oauth_server == regional.url
    assert (token_requests(international), regional.stats["token_authorization_code"]) == (0, 1)

    fake_bitrix.clock.advance(3700)  # the access token has expired: the sync refreshes it
    worker = Worker(Context.build(both_servers), name="test-worker")
    worker.drain()
    with db.connection():
        assert {job.state for job in Job.select().where(Job.member_id == portal.member_id)} == {"done"}
    assert regional.stats["token_refresh_token"] >= 1 and token_requests(international) == 0


@pytest.mark.parametrize("server_domain", ["evil.example", "oauth.bitrix.info.evil.example", "127.0.0.1:9"])
def test_a_server_off_the_list_gets_nothing(service, fake_bitrix, fake_portal, server_domain):
    answer = request_connection(service, fake_portal)
    params = {**approve(answer["authURL"]), "server_domain": server_domain}
    assert callback(service, params).headers["location"] == ERROR_PAGE + "unknown_oauth_server"
    assert account_row().member_id is None
    assert all(token_requests(host) == 0 for host in fake_bitrix.oauth_hosts.values())


def test_a_regional_portal_is_refused_when_only_the_international_server_is_listed(fake_settings, fake_bitrix):
    portal = fake_bitrix.add_portal(users=3, oauth="regional")
    with service_for(fake_settings) as service:  # BITRIX_OAUTH_URL alone: one server
        answer = request_connection(service, portal)
        response = callback(service, approve(answer["authURL"]))
    assert response.headers["location"] == ERROR_PAGE + "unknown_oauth_server"
    assert token_requests(fake_bitrix.oauth_host("regional")) == 0


def test_a_portal_whose_server_left_the_list_keeps_its_secret_and_waits(service, both_servers, fake_bitrix):
    portal = fake_bitrix.add_portal(users=3, oauth="regional")
    answer = request_connection(service, portal)
    callback(service, approve(answer["authURL"]))
    regional = fake_bitrix.oauth_host("regional")
    sent = token_requests(regional)
    fake_bitrix.clock.advance(3700)
    narrowed = dataclasses.replace(both_servers, bitrix_oauth_servers=(fake_bitrix.oauth_url,))
    Worker(Context.build(narrowed), name="test-worker").drain()
    assert token_requests(regional) == sent and token_requests(fake_bitrix.oauth_host("international")) == 0
    with db.connection():
        jobs = list(Job.select().where(Job.member_id == portal.member_id))
    assert jobs and all(job.state == "queued" and job.attempts == 0 and "allowlist" in job.last_error
                        for job in jobs)


def test_a_callback_of_another_portal_binds_nothing_and_spends_nothing(service, fake_bitrix):
    """Account D's state with account E's code, member_id and domain, as a person could send them."""
    portal_d, portal_e = fake_bitrix.add_portal(users=3, seed=1), fake_bitrix.add_portal(users=3, seed=2)
    asked_d = request_connection(service, portal_d, "account-d")
    asked_e = request_connection(service, portal_e, "account-e")
    callback_e = approve(asked_e["authURL"])
    mixed = {**callback_e, "state": approve(asked_d["authURL"])["state"]}
    assert callback(service, mixed).headers["location"] == ERROR_PAGE + "portal_mismatch"
    assert account_row("account-d").member_id is None
    assert fake_bitrix.stats.get("token_authorization_code", 0) == 0  # E's code was not spent

    # Both people can still finish: E with its own code, D with its own state.
    assert callback(service, callback_e).headers["location"] == "https://quiz.example/integrations"
    assert callback(service, approve(asked_d["authURL"])).headers["location"] == "https://quiz.example/integrations"
    assert account_row("account-d").member_id == portal_d.member_id
    assert account_row("account-e").member_id == portal_e.member_id


def test_a_forged_domain_is_caught_by_the_token_answer(service, fake_bitrix):
    """D's state and domain with E's code and member_id: the token answer names E's portal."""
    portal_d, portal_e = fake_bitrix.add_portal(users=3, seed=1), fake_bitrix.add_portal(users=3, seed=2)
    asked_d = request_connection(service, portal_d, "account-d")
    asked_e = request_connection(service, portal_e, "account-e")
    forged = {**approve(asked_e["authURL"]), "state": approve(asked_d["authURL"])["state"],
              "domain": portal_d.domain}
    assert callback(service, forged).headers["location"] == ERROR_PAGE + "portal_mismatch"
    assert account_row("account-d").member_id is None and stored_portal(portal_e.member_id) is None
    with db.connection():  # D's request is still open
        assert OAuthState.select().where(OAuthState.account_id == "account-d",
                                         OAuthState.used_at.is_null()).count() == 1
    assert callback(service, approve(asked_d["authURL"])).headers["location"] == "https://quiz.example/integrations"
    assert account_row("account-d").member_id == portal_d.member_id


def test_the_state_is_used_once_even_after_refusals(service, fake_portal):
    answer = request_connection(service, fake_portal)
    refused = {**approve(answer["authURL"]), "code": "not-a-code"}
    assert callback(service, refused).headers["location"] == ERROR_PAGE + "exchange_failed"
    params = approve(answer["authURL"])
    assert callback(service, params).status_code == 302 and account_row().member_id == fake_portal.member_id
    assert callback(service, params).status_code == 400
    with db.connection():
        assert Account.select().count() == 1


def test_servers_come_from_the_settings():
    assert Settings.from_env({}).oauth_servers == ("https://oauth.bitrix.info", "https://oauth.bitrix24.tech")
    assert Settings.from_env({"BITRIX_OAUTH_URL": "https://oauth.example/"}).oauth_servers == \
        ("https://oauth.example",)
    listed = Settings.from_env({"BITRIX_OAUTH_SERVERS": " https://a.example, https://b.example:8443 ",
                                "BITRIX_OAUTH_URL": "https://ignored.example"})
    assert listed.oauth_servers == ("https://a.example", "https://b.example:8443")
    listed.check()


@pytest.mark.parametrize("env", [{"BITRIX_OAUTH_SERVERS": "oauth.bitrix.info"},
                                 {"BITRIX_OAUTH_SERVERS": "https://a.example/oauth/token/"},
                                 {"BITRIX_OAUTH_SERVERS": "http://a.example", "APP_ENV": "production",
                                  "JWT_SECRET": "j" * 64, "SECRET_KEY": "s" * 40,
                                  "BITRIX_CLIENT_ID": "app", "BITRIX_CLIENT_SECRET": "secret"},
                                 {"PUBLIC_URL": "integrations.example"}])
def test_bad_server_lists_and_public_urls_refuse_to_start(env):
    with pytest.raises(SystemExit):
        Settings.from_env(env).check()
