"""The authorization round trip and token rotation, as the service experiences them over HTTP."""
from urllib.parse import parse_qsl, urlsplit

import requests

from fake_bitrix.testing import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI


def token_request(fake, **params) -> requests.Response:
    query = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **params}
    return requests.get(f"{fake.oauth_url}/oauth/token/", params=query, timeout=5)


def exchange(fake, code: str) -> requests.Response:
    return token_request(fake, grant_type="authorization_code", code=code)


def refresh(fake, refresh_token: str) -> requests.Response:
    return token_request(fake, grant_type="refresh_token", refresh_token=refresh_token)


def user_current(portal, token: str) -> requests.Response:
    return requests.post(f"{portal.client_endpoint}user.current", json={"auth": token}, timeout=5)


def authorize(portal, **params) -> requests.Response:
    return requests.get(f"{portal.url}/oauth/authorize/", params=params, allow_redirects=False, timeout=5)


def test_authorize_redirects_to_the_app_with_a_code(fake_bitrix, fake_portal):
    response = authorize(fake_portal, client_id=CLIENT_ID, state="s-1")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = dict(parse_qsl(location.query))
    assert set(query) == {"code", "state", "domain", "member_id", "scope", "server_domain"}
    assert query["state"] == "s-1"
    assert query["domain"] == fake_portal.domain
    assert query["member_id"] == fake_portal.member_id
    assert query["scope"] == "crm,user"
    assert query["server_domain"] == fake_bitrix.oauth_domain


def test_authorize_with_an_unknown_client_shows_an_error_page(fake_portal):
    response = authorize(fake_portal, client_id="other.app", state="x")

    assert response.status_code == 200
    assert "Location" not in response.headers
    assert response.headers["Content-Type"].startswith("text/html")


def test_code_exchange_gives_the_documented_token_answer(fake_bitrix, fake_portal):
    answer = exchange(fake_bitrix, fake_portal.approve("s")["code"])

    assert answer.status_code == 200
    tokens = answer.json()
    assert set(tokens) == {"access_token", "refresh_token", "expires", "expires_in", "scope", "domain",
                           "server_endpoint", "client_endpoint", "member_id", "user_id", "status"}
    assert tokens["expires_in"] == 3600
    assert tokens["expires"] - fake_bitrix.clock.now() > 3590
    assert tokens["domain"] == fake_bitrix.oauth_domain
    assert tokens["client_endpoint"] == fake_portal.client_endpoint
    assert tokens["member_id"] == fake_portal.member_id
    assert tokens["user_id"] == 1
    assert len(tokens["access_token"]) >= 64 and int(tokens["access_token"], 16) >= 0
    assert user_current(fake_portal, tokens["access_token"]).json()["result"]["ID"] == "1"


def test_a_code_works_once(fake_bitrix, fake_portal):
    code = fake_portal.approve()["code"]

    assert exchange(fake_bitrix, code).status_code == 200
    second = exchange(fake_bitrix, code)
    assert (second.status_code, second.json()["error"]) == (400, "invalid_grant")


def test_a_code_dies_after_thirty_seconds(fake_bitrix, fake_portal):
    code = fake_portal.approve()["code"]
    fake_bitrix.clock.advance(31)

    answer = exchange(fake_bitrix, code)
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


def test_refresh_rotates_the_pair_and_kills_the_old_one(fake_bitrix, fake_portal):
    old = fake_portal.issue_tokens()

    answer = refresh(fake_bitrix, old["refresh_token"])

    assert answer.status_code == 200
    new = answer.json()
    assert new["access_token"] != old["access_token"] and new["refresh_token"] != old["refresh_token"]
    assert user_current(fake_portal, new["access_token"]).status_code == 200
    dead = user_current(fake_portal, old["access_token"])
    assert (dead.status_code, dead.json()["error"]) == (401, "invalid_token")
    reused = refresh(fake_bitrix, old["refresh_token"])
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")


def test_refresh_works_form_encoded_too(fake_bitrix, fake_portal):
    tokens = fake_portal.issue_tokens()
    answer = requests.post(f"{fake_bitrix.oauth_url}/oauth/token/", timeout=5, data={
        "grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": tokens["refresh_token"]})

    assert answer.status_code == 200 and answer.json()["member_id"] == fake_portal.member_id


def test_bad_client_credentials_are_refused(fake_bitrix, fake_portal):
    tokens = fake_portal.issue_tokens()

    wrong_secret = token_request(fake_bitrix, grant_type="refresh_token", client_secret="nope",
                                 refresh_token=tokens["refresh_token"])
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (400, "invalid_client")
    unknown_client = token_request(fake_bitrix, grant_type="refresh_token", client_id="x",
                                   refresh_token=tokens["refresh_token"])
    assert (unknown_client.status_code, unknown_client.json()["error"]) == (400, "invalid_client")
    fake_bitrix.unknown_client_error = "wrong_client"
    unknown_client = token_request(fake_bitrix, grant_type="refresh_token", client_id="x",
                                   refresh_token=tokens["refresh_token"])
    assert (unknown_client.status_code, unknown_client.json()["error"]) == (200, "wrong_client")
    # refused requests did not consume the refresh token
    assert refresh(fake_bitrix, tokens["refresh_token"]).status_code == 200


def test_missing_refresh_token_is_an_invalid_request(fake_bitrix):
    answer = token_request(fake_bitrix, grant_type="refresh_token")
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


def test_revoked_app_loses_its_tokens(fake_bitrix, fake_portal):
    tokens = fake_portal.issue_tokens()

    fake_portal.revoke()

    assert user_current(fake_portal, tokens["access_token"]).json()["error"] == "invalid_token"
    assert refresh(fake_bitrix, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    again = exchange(fake_bitrix, fake_portal.approve()["code"])
    assert again.status_code == 200, "approving again reinstalls the app"


def test_access_token_expires_on_the_fake_clock(fake_bitrix, fake_portal):
    tokens = fake_portal.issue_tokens()
    fake_bitrix.clock.advance(3601)

    expired = user_current(fake_portal, tokens["access_token"])
    assert (expired.status_code, expired.json()["error"]) == (401, "expired_token")
    renewed = refresh(fake_bitrix, tokens["refresh_token"]).json()
    assert user_current(fake_portal, renewed["access_token"]).status_code == 200


def test_tokens_of_one_portal_do_not_open_another(fake_bitrix, fake_portal):
    other = fake_bitrix.add_portal(users=3, seed=2)
    token = fake_portal.issue_tokens()["access_token"]

    assert user_current(other, token).json()["error"] == "invalid_token"
    assert other.member_id != fake_portal.member_id
