"""OAuth against the fake authorization server: authorize URL, code exchange, refresh rotation, refusals."""
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bitrix_client import InvalidClient, InvalidGrant, OAuthClient, TokenSet, TransportError


def test_authorize_url_leads_the_user_to_the_portal_which_redirects_with_a_code(oauth, fake_portal):
    url = oauth.authorize_url(fake_portal.url + "/", "opaque-state")
    assert url == f"{fake_portal.url}/oauth/authorize/?client_id=local.test.app&state=opaque-state"

    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["opaque-state"] and query["member_id"] == [fake_portal.member_id]

    tokens = oauth.exchange_code(query["code"][0])
    assert tokens.member_id == fake_portal.member_id
    assert tokens.client_endpoint == fake_portal.client_endpoint
    assert tokens.user_id == 1 and tokens.access_token and tokens.refresh_token


def test_a_code_works_once_and_only_for_30_seconds(oauth, fake_bitrix, fake_portal):
    code = fake_portal.approve("s")["code"]
    tokens = oauth.exchange_code(code)
    assert not tokens.expired(fake_bitrix.clock.now())
    assert tokens.expired(fake_bitrix.clock.now() + 3600)
    with pytest.raises(InvalidGrant) as refused:
        oauth.exchange_code(code)
    assert refused.value.stale

    late = fake_portal.approve("s")["code"]
    fake_bitrix.clock.advance(31)
    with pytest.raises(InvalidGrant):
        oauth.exchange_code(late)


def test_refresh_rotates_the_pair_and_a_spent_refresh_token_is_refused(oauth, fake_portal):
    first = TokenSet.from_answer(fake_portal.issue_tokens())
    second = oauth.refresh(first.refresh_token)
    assert second.access_token != first.access_token and second.refresh_token != first.refresh_token
    assert second.member_id == first.member_id
    with pytest.raises(InvalidGrant):
        oauth.refresh(first.refresh_token)


def test_a_revoked_app_cannot_refresh(oauth, fake_portal):
    tokens = TokenSet.from_answer(fake_portal.issue_tokens())
    fake_portal.revoke()
    with pytest.raises(InvalidGrant):
        oauth.refresh(tokens.refresh_token)


def test_a_wrong_secret_is_an_invalid_client(fake_bitrix, fake_portal):
    tokens = TokenSet.from_answer(fake_portal.issue_tokens())
    wrong = OAuthClient(fake_bitrix.oauth_url, fake_bitrix.client_id, "not-the-secret")
    with pytest.raises(InvalidClient) as refused:
        wrong.refresh(tokens.refresh_token)
    assert not refused.value.stale  # our configuration, not the portal, is broken


def test_an_unreachable_server_is_a_transport_error_that_never_ran():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    oauth = OAuthClient(f"http://127.0.0.1:{port}", "app", "secret", timeout=(1, 1))
    with pytest.raises(TransportError) as failed:
        oauth.exchange_code("code")
    assert failed.value.request_may_have_run is False


def test_token_set_takes_expiry_from_expires_or_expires_in_and_hides_tokens():
    answer = {"access_token": "ACCESS-SECRET", "refresh_token": "REFRESH-SECRET", "expires_in": 3600,
              "client_endpoint": "https://x.bitrix24.com/rest/", "member_id": "m", "user_id": "7"}
    tokens = TokenSet.from_answer(answer, now=1000.5)
    assert tokens.expires_at == 4600 and tokens.user_id == 7
    assert TokenSet.from_answer({**answer, "expires": 1780319382}, now=0).expires_at == 1780319382
    assert "SECRET" not in repr(tokens)
    assert "secret" not in repr(OAuthClient("https://oauth.bitrix.info", "app", "secret"))
