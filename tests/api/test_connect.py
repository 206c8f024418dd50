"""Connecting a portal through the real OAuth flow of the fake Bitrix24, over HTTP."""
import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from storage import db, portals
from storage.models import Account
from tests.conftest import auth


@pytest.fixture
def service(settings, fake_bitrix):
    """The app pointed at the fake OAuth server, with http:// portals allowed (loopback)."""
    from wsgi import create_app
    configured = dataclasses.replace(settings, bitrix_oauth_url=fake_bitrix.oauth_url,
                                     bitrix_allow_http=True)
    app = create_app(configured)
    with app.test_client() as client:
        yield client


def request_connection(service, portal, account="account-1"):
    response = service.post("/bitrix/account", json={"client_bitrix_url": portal.url}, headers=auth(account))
    assert response.status_code == 200, response.text
    return response.json()


def approve(auth_url):
    """What the person's browser does: open the authorize URL; the portal redirects back."""
    redirect = requests.get(auth_url, allow_redirects=False, timeout=5)
    assert redirect.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlsplit(redirect.headers["Location"]).query).items()}


def callback(service, params):
    return service.get("/webhook/create", params=params, follow_redirects=False)


def connect(service, portal, account="account-1"):
    answer = request_connection(service, portal, account)
    response = callback(service, approve(answer["authURL"]))
    assert response.status_code == 302
    return response


def account_row(account="account-1"):
    with db.connection():
        return Account.get_or_none(Account.account_id == account, Account.deleted == False)  # noqa: E712


def test_whole_flow_binds_the_portal(service, fake_portal):
    answer = request_connection(service, fake_portal)
    assert answer["stale"] is True and answer["bitrixID"] == ""
    assert answer["authURL"].startswith(f"{fake_portal.url}/oauth/authorize/?client_id=local.test.app&state=")

    response = callback(service, approve(answer["authURL"]))
    assert response.status_code == 302
    assert response.headers["location"] == "https://quiz.example/integrations"

    account = service.get("/bitrix/account", headers=auth()).json()
    assert account["bitrixID"] == fake_portal.member_id
    assert account["stale"] is False and account["subdomain"] == "127.0.0.1"


def test_tokens_are_encrypted_at_rest_and_never_answered(service, ctx, fake_bitrix, fake_portal):
    answer = request_connection(service, fake_portal)
    callback(service, approve(answer["authURL"]))
    with db.connection():
        raw = db.database.execute_sql(
            f"SELECT access_token, refresh_token FROM portal WHERE member_id = {db.database.param}",
            (fake_portal.member_id,)).fetchone()
        portal = portals.load_tokens(ctx.cipher, fake_portal.member_id)
    issued = [portal.access_token, portal.refresh_token]
    assert fake_bitrix.tokens.lookup(portal.access_token) is not None
    assert all(token not in str(raw) for token in issued)
    body = service.get("/bitrix/account", headers=auth()).text
    assert all(token not in body for token in issued)


def test_replayed_callback_is_400_and_changes_nothing(service, fake_portal):
    answer = request_connection(service, fake_portal)
    params = approve(answer["authURL"])
    assert callback(service, params).status_code == 302
    service.delete("/bitrix/account", headers=auth())
    replay = callback(service, params)
    assert replay.status_code == 400
    assert account_row() is None


@pytest.mark.parametrize("state", ["forged", "eyJhIjoiYWNjb3VudC0xIn0.AAAA", ""])
def test_forged_state_binds_nothing(service, fake_portal, state):
    answer = request_connection(service, fake_portal)
    params = {**approve(answer["authURL"]), "state": state}
    assert callback(service, params).status_code == 400
    assert account_row().member_id is None


def test_state_of_a_deleted_request_binds_nothing(service, fake_portal):
    answer = request_connection(service, fake_portal)
    params = approve(answer["authURL"])
    service.delete("/bitrix/account", headers=auth())
    assert callback(service, params).status_code == 400
    with db.connection():
        assert Account.select().where(Account.member_id.is_null(False)).count() == 0


def test_a_newer_request_replaces_the_pending_one(service, fake_portal):
    first = request_connection(service, fake_portal)
    second = request_connection(service, fake_portal)
    assert callback(service, approve(first["authURL"])).status_code == 400
    assert callback(service, approve(second["authURL"])).status_code == 302


@pytest.mark.parametrize("missing", ["code", "state", "member_id", "domain", "server_domain"])
def test_missing_callback_parameter_is_400(service, fake_portal, missing):
    answer = request_connection(service, fake_portal)
    params = approve(answer["authURL"])
    del params[missing]
    response = callback(service, params)
    assert response.status_code == 400 and isinstance(response.json(), str)
    assert account_row().member_id is None


def test_refused_code_redirects_with_an_error_flag(service, fake_portal):
    answer = request_connection(service, fake_portal)
    params = {**approve(answer["authURL"]), "code": "not-a-code-the-server-issued"}
    response = callback(service, params)
    assert response.status_code == 302
    assert response.headers["location"] == "https://quiz.example/integrations?bitrix_error=exchange_failed"
    assert account_row().member_id is None


def test_oauth_server_down_redirects_with_an_error_flag(service, fake_portal, fake_bitrix):
    answer = request_connection(service, fake_portal)
    params = approve(answer["authURL"])
    fake_bitrix.stop()
    response = callback(service, params)
    assert response.headers["location"].endswith("bitrix_error=exchange_failed")
    assert account_row().member_id is None


def test_member_id_must_match_the_token_answer(service, fake_portal):
    answer = request_connection(service, fake_portal)
    params = {**approve(answer["authURL"]), "member_id": "someone-elses-portal"}
    response = callback(service, params)
    assert response.headers["location"].endswith("bitrix_error=portal_mismatch")
    assert account_row().member_id is None


@pytest.mark.parametrize("url", ["ftp://x.bitrix24.ru", "https://x.bitrix24.ru/path", "not a url", ""])
def test_bad_portal_url_is_400(service, url):
    response = service.post("/bitrix/account", json={"client_bitrix_url": url}, headers=auth())
    assert response.status_code == 400 and isinstance(response.json(), str)
    assert account_row() is None


def test_two_accounts_share_one_portal(service, fake_portal):
    connect(service, fake_portal, "account-1")
    connect(service, fake_portal, "account-2")
    for account in ("account-1", "account-2"):
        body = service.get("/bitrix/account", headers=auth(account)).json()
        assert body["bitrixID"] == fake_portal.member_id and body["stale"] is False


def test_connecting_a_second_portal_replaces_the_first(service, fake_bitrix, fake_portal):
    connect(service, fake_portal)
    other = fake_bitrix.add_portal(users=5, seed=2)
    connect(service, other)
    body = service.get("/bitrix/account", headers=auth()).json()
    assert body["bitrixID"] == other.member_id


def test_delete_then_connect_afresh(service, fake_portal):
    connect(service, fake_portal)
    assert service.delete("/bitrix/account", headers=auth()).status_code == 200
    assert service.get("/bitrix/account", headers=auth()).status_code == 404
    connect(service, fake_portal)
    body = service.get("/bitrix/account", headers=auth()).json()
    assert body["bitrixID"] == fake_portal.member_id and body["deleted"] is False


def test_unconfigured_application_is_503(settings):
    from wsgi import create_app
    client = create_app(dataclasses.replace(settings, bitrix_client_id="")).test_client()
    response = client.post("/bitrix/account", json={"client_bitrix_url": "https://a.bitrix24.ru"},
                           headers=auth())
    assert response.status_code == 503
    assert "BITRIX_CLIENT_ID" in response.json()
