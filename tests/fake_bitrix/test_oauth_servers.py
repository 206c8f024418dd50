"""Two authorization servers, each serving its own portals; POST refusal; short-lived tokens."""
from urllib.parse import parse_qsl, urlsplit

import requests

from fake_bitrix.testing import CLIENT_ID, CLIENT_SECRET

from .test_oauth_flow import user_current


def token_request(url: str, post: bool = False, **params) -> requests.Response:
    form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **params}
    if post:
        return requests.post(f"{url}/oauth/token/", data=form, timeout=5)
    return requests.get(f"{url}/oauth/token/", params=form, timeout=5)


def refused(response: requests.Response) -> tuple:
    return response.status_code, response.json()["error"]


def test_each_server_names_itself_and_issues_for_its_own_portals(fake_bitrix):
    regional = fake_bitrix.oauth_host("regional")
    portal = fake_bitrix.add_portal(users=3, oauth="regional")
    assert regional.url in fake_bitrix.oauth_urls and regional.url != fake_bitrix.oauth_url

    redirect = requests.get(f"{portal.url}/oauth/authorize/", params={"client_id": CLIENT_ID, "state": "s"},
                            allow_redirects=False, timeout=5)
    callback = dict(parse_qsl(urlsplit(redirect.headers["Location"]).query))
    assert callback["server_domain"] == regional.domain

    elsewhere = token_request(fake_bitrix.oauth_url, grant_type="authorization_code", code=callback["code"])
    assert refused(elsewhere) == (400, "invalid_grant")
    answer = token_request(regional.url, grant_type="authorization_code", code=callback["code"])
    assert answer.status_code == 200, "a code refused by the other server is not spent"
    tokens = answer.json()
    assert tokens["domain"] == regional.domain and tokens["server_endpoint"] == f"{regional.url}/rest/"

    wrong_server = token_request(fake_bitrix.oauth_url, grant_type="refresh_token",
                                 refresh_token=tokens["refresh_token"])
    assert refused(wrong_server) == (400, "invalid_grant")
    renewed = token_request(regional.url, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert renewed.status_code == 200 and renewed.json()["member_id"] == portal.member_id
    assert regional.stats["token_refresh_token"] == 1


def test_a_server_can_refuse_post_and_still_answer_get(fake_bitrix, fake_portal):
    oauth = fake_bitrix.default_oauth
    oauth.refuse_post = True
    tokens = fake_portal.issue_tokens()

    by_post = token_request(oauth.url, post=True, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refused(by_post) == (400, "invalid_request")
    by_get = token_request(oauth.url, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert by_get.status_code == 200, "the refused POST did not spend the refresh token"
    assert oauth.stats["token_post_refused"] == 1 and oauth.stats["token_by_get"] == 1


def test_a_portal_can_issue_tokens_that_live_two_seconds(fake_bitrix, fake_portal):
    fake_portal.token_lifetime = 2
    tokens = fake_portal.issue_tokens()
    assert tokens["expires_in"] == 2 and tokens["expires"] - fake_bitrix.clock.now() <= 2
    assert user_current(fake_portal, tokens["access_token"]).status_code == 200

    fake_bitrix.clock.advance(2)
    expired = user_current(fake_portal, tokens["access_token"])
    assert refused(expired) == (401, "expired_token")
    renewed = token_request(fake_bitrix.oauth_url, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert renewed.json()["expires_in"] == 2
