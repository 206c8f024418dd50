"""Headers on the wire, from a real server process: what browsers and caches are told."""
import httpx
import pytest

from tests.conftest import auth


def get(server, path, **headers):
    return httpx.get(server.url + path, headers=headers)


@pytest.mark.parametrize("path", ["/health/live", "/bitrix/users", "/bitrix/nothing", "/ui/", "/openapi.json"])
def test_no_answer_may_be_sniffed_as_another_type(server, path):
    assert get(server, path, **auth()).headers["x-content-type-options"] == "nosniff"


def test_the_ui_may_not_be_framed_by_another_site(server):
    page = get(server, "/ui/")
    assert page.status_code == 200 and page.headers["x-frame-options"] == "DENY"
    assert page.headers["content-security-policy"] == "frame-ancestors 'none'"


def test_answers_with_account_data_are_not_stored_by_caches(server, connected):
    connected()
    for path in ("/bitrix/account", "/bitrix/users", "/bitrix/results/nothing"):
        assert get(server, path, **auth()).headers["cache-control"] == "no-store", path
    assert "cache-control" not in get(server, "/openapi.json").headers


def test_a_401_names_the_bearer_scheme(server):
    assert get(server, "/bitrix/users").headers["www-authenticate"] == "Bearer"
    refused = get(server, "/bitrix/users", Authorization="Bearer not-a-token")
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize("path,location", [
    ("/bitrix/users/?page=2", "/bitrix/users"),
    ("/webhook/create/?code=AUTHCODE&state=s&domain=d&member_id=m&server_domain=s", "/webhook/create"),
    ("/ui", "/ui/"),
])
def test_a_redirect_stays_on_the_service_and_drops_the_query(server, path, location):
    moved = get(server, path, Host="evil.example")
    assert moved.status_code == 307 and moved.headers["location"] == location
