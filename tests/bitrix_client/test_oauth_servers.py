"""Which OAuth server gets the secret: the allowlist, the portal's own server, and GET after a refused POST."""
import logging

import pytest

from bitrix_client import DEFAULT_SERVERS, InvalidGrant, OAuthServers, TokenSet, UnknownOAuthServer


def test_the_default_list_has_both_bitrix24_servers_the_international_first():
    servers = OAuthServers()
    assert servers.urls == DEFAULT_SERVERS == ("https://oauth.bitrix.info", "https://oauth.bitrix24.tech")
    assert OAuthServers.from_setting(" https://oauth.bitrix24.tech/ ,https://oauth.bitrix.info").default == \
        "https://oauth.bitrix24.tech"


@pytest.mark.parametrize("server_domain, expected", [
    ("oauth.bitrix.info", "https://oauth.bitrix.info"),
    ("OAUTH.bitrix24.tech", "https://oauth.bitrix24.tech"),
    ("oauth.bitrix24.tech:443", "https://oauth.bitrix24.tech"),
    ("", "https://oauth.bitrix.info"),  # no server_domain: the first entry
    (None, "https://oauth.bitrix.info"),
    ("oauth.bitrix24.tech:8443", None),
    ("oauth.bitrix.info.evil.example", None),
    ("evil.example/oauth.bitrix.info", None),
    ("user@oauth.bitrix.info", None),
    ("oauth.bitrix.info?x=1", None),
    ("bitrix.info", None),
])
def test_a_callbacks_server_domain_matches_an_entry_by_host_and_port(server_domain, expected):
    assert OAuthServers().for_domain(server_domain) == expected


@pytest.mark.parametrize("endpoint, expected", [
    ("https://oauth.bitrix24.tech/rest/", "https://oauth.bitrix24.tech"),
    ("https://oauth.bitrix.info/rest/", "https://oauth.bitrix.info"),
    ("http://oauth.bitrix.info/rest/", None),  # another scheme is another server
    ("https://oauth.bitrix.info.evil.example/rest/", None),
    ("", None),
])
def test_a_token_answers_server_endpoint_matches_an_entry(endpoint, expected):
    assert OAuthServers().for_endpoint(endpoint) == expected


@pytest.mark.parametrize("bad", ["oauth.bitrix.info", "https://oauth.bitrix.info/oauth/", "ftp://x", ""])
def test_entries_must_be_bare_origins(bad):
    with pytest.raises(ValueError):
        OAuthServers([bad])


def test_nothing_is_sent_to_a_server_off_the_list(fake_bitrix, fake_portal):
    regional = fake_bitrix.oauth_host("regional")
    servers = OAuthServers([fake_bitrix.oauth_url])
    for server in (regional.domain, regional.url, "https://oauth.bitrix.info"):
        with pytest.raises(UnknownOAuthServer):
            servers.client(server, fake_bitrix.client_id, fake_bitrix.client_secret)
    assert regional.stats == {}


def test_a_regional_portal_is_connected_and_refreshed_at_its_own_server(fake_bitrix):
    servers = OAuthServers(fake_bitrix.oauth_urls)
    portal = fake_bitrix.add_portal(users=3, oauth="regional")
    callback = portal.approve("state")
    oauth = servers.client(callback["server_domain"], fake_bitrix.client_id, fake_bitrix.client_secret)
    assert oauth.oauth_url == fake_bitrix.oauth_host("regional").url

    tokens = oauth.exchange_code(callback["code"])
    assert servers.for_endpoint(tokens.server_endpoint) == oauth.oauth_url  # what the portal remembers
    oauth.refresh(tokens.refresh_token)
    assert fake_bitrix.oauth_host("regional").stats["token_refresh_token"] == 1
    assert "token_refresh_token" not in fake_bitrix.default_oauth.stats


def test_a_refused_post_is_repeated_once_by_get_and_later_requests_go_by_get(fake_bitrix, fake_portal, oauth):
    fake_bitrix.default_oauth.refuse_post = True
    first = oauth.exchange_code(fake_portal.approve("s")["code"])
    second = oauth.refresh(first.refresh_token)
    assert second.member_id == fake_portal.member_id and oauth.get_only
    assert fake_bitrix.stats["token_post_refused"] == 1
    assert fake_bitrix.stats["token_by_get"] == 2


def test_other_refusals_are_not_repeated_by_get(fake_bitrix, fake_portal, oauth):
    tokens = TokenSet.from_answer(fake_portal.issue_tokens())
    oauth.refresh(tokens.refresh_token)
    with pytest.raises(InvalidGrant):
        oauth.refresh(tokens.refresh_token)
    assert fake_bitrix.stats.get("token_by_get", 0) == 0 and not oauth.get_only


def test_a_token_request_by_get_leaves_no_secret_in_the_logs(fake_bitrix, fake_portal, oauth, caplog):
    caplog.set_level(logging.DEBUG)
    fake_bitrix.default_oauth.refuse_post = True
    code = fake_portal.approve("s")["code"]
    tokens = oauth.exchange_code(code)
    renewed = oauth.refresh(tokens.refresh_token)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/oauth/token/?[hidden]" in logged  # urllib3 did log the request line
    for secret in (fake_bitrix.client_secret, code, tokens.refresh_token, tokens.access_token,
                   renewed.access_token, renewed.refresh_token):
        assert secret not in logged
