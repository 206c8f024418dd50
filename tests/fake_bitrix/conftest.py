"""Fixtures for the fake portal's own tests: the fake, a portal, and a REST caller holding a token."""
import pytest
import requests

from fake_bitrix import testing

fake_bitrix = testing.fake_bitrix
fake_portal = testing.fake_portal
event_sink = testing.event_sink


class Rest:
    """Calls one portal's REST API over real HTTP with an access token."""

    def __init__(self, portal, token: str):
        self.portal, self.token = portal, token
        self.session = requests.Session()

    def post(self, method: str, timeout: float = 5, **params) -> requests.Response:
        """JSON body, ``auth`` in it."""
        return self.session.post(f"{self.portal.client_endpoint}{method}", timeout=timeout,
                                 json={**params, "auth": self.token})

    def get(self, method: str, query: str = "") -> requests.Response:
        """A raw PHP-style query string, ``auth`` appended."""
        separator = "&" if query else ""
        return self.session.get(f"{self.portal.client_endpoint}{method}?{query}{separator}auth={self.token}",
                                timeout=5)

    def result(self, method: str, **params):
        """The ``result`` of a call that must succeed."""
        response = self.post(method, **params)
        assert response.status_code == 200, response.text
        return response.json()["result"]


@pytest.fixture
def rest_for():
    """Makes a ``Rest`` caller for any portal (``rest_for(portal)``); sessions closed after the test."""
    callers = []

    def make(portal) -> Rest:
        callers.append(Rest(portal, portal.issue_tokens()["access_token"]))
        return callers[-1]

    yield make
    for caller in callers:
        caller.session.close()


@pytest.fixture
def rest(fake_portal, rest_for):
    return rest_for(fake_portal)
