"""``FakeBitrix``: the OAuth server of one application plus any number of portals, all on loopback."""
import logging

from .clock import Clock
from .oauth import ACCESS_LIFETIME, Grant, TokenStore
from .portal import Portal
from .seed import build as build_data
from .server import Listener
from .stats import Tally
from .token_endpoint import TokenEndpoint

logger = logging.getLogger(__name__)


class FakeBitrix:
    """The auth server (``oauth_url``) of one app and its portals, keyed by ``member_id``.

    ``unknown_client_error``: "invalid_client" (400, default) or "wrong_client" (answered with 200,
    as a live test once saw) for a token request with an unknown client_id.
    """

    def __init__(self, client_id: str = "local.test.app", client_secret: str = "test-secret",
                 redirect_uri: str = "http://127.0.0.1:8080/webhook/create", host: str = "127.0.0.1",
                 port: int = 0, scope: str = "crm,user", app_id: int = 17, app_status: str = "L",
                 unknown_client_error: str = "invalid_client"):
        self.client_id, self.client_secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self.scope, self.app_id, self.app_status = scope, app_id, app_status
        self.unknown_client_error = unknown_client_error
        self.host = host
        self.clock = Clock()
        self.tokens = TokenStore(self.clock)
        self.portals: dict[str, Portal] = {}
        self.counters = Tally()
        self._listener = Listener(TokenEndpoint(self), host, port)
        self._started = False

    @property
    def oauth_url(self) -> str:
        return self._listener.url

    @property
    def oauth_domain(self) -> str:
        return self._listener.domain

    @property
    def stats(self) -> dict:
        """Token requests by grant type and refusals by error code."""
        return self.counters.snapshot()

    def start(self) -> "FakeBitrix":
        """Serve the OAuth server (portals serve from ``add_portal`` on)."""
        if not self._started:
            self._listener.start()
            self._started = True
            logger.info("fake Bitrix24 OAuth server at %s", self.oauth_url)
        return self

    def stop(self) -> None:
        """Stop every portal and the OAuth server."""
        for portal in self.portals.values():
            portal.stop()
        if self._started:
            self._listener.stop()
            self._started = False

    def __enter__(self) -> "FakeBitrix":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def add_portal(self, member_id: str | None = None, users: int = 30, seed: int = 1, fields: int = 0,
                   pipelines: int = 3, crm_rows: int = 0, port: int = 0, enterprise: bool = False) -> Portal:
        """A started, seeded portal with the app installed; ``enterprise`` gets the 250/5 bucket."""
        data = build_data(seed, users=users, fields=fields, pipelines=pipelines, crm_rows=crm_rows,
                           app_id=self.app_id, app_code=self.client_id, app_status=self.app_status)
        portal = Portal(self, data, member_id, self.host, port, enterprise)
        self.portals[portal.member_id] = portal
        portal.start()
        logger.info("fake Bitrix24 portal at %s", portal.url)
        return portal

    def portal(self, member_id: str) -> Portal:
        """The portal with that member_id."""
        return self.portals[member_id]

    def token_answer(self, grant: Grant) -> dict:
        """The auth server's JSON for a freshly issued pair."""
        portal = self.portals[grant.member_id]
        return {"access_token": grant.access_token, "expires": grant.expires, "expires_in": ACCESS_LIFETIME,
                "scope": portal.scope, "domain": self.oauth_domain,
                "server_endpoint": f"{self.oauth_url}/rest/", "client_endpoint": portal.client_endpoint,
                "member_id": portal.member_id, "user_id": grant.user_id, "refresh_token": grant.refresh_token,
                "status": self.app_status}

