"""``FakeBitrix``: the OAuth servers of one application plus any number of portals, all on loopback."""
import logging

from .clock import Clock
from .oauth import Grant, TokenStore
from .oauth_host import OAuthHost
from .portal import Portal
from .seed import build as build_data
from .stats import Tally

logger = logging.getLogger(__name__)

# Bitrix24's two authorization servers; the first is the default one.
OAUTH_HOSTS = ("international", "regional")


class FakeBitrix:
    """The auth servers (``oauth_url`` the default, ``oauth_host(name)`` each) of one app and its portals.

    ``unknown_client_error``: "invalid_client" (400, default) or "wrong_client" (answered with 200,
    as a live test once saw) for a token request with an unknown client_id. ``uninstalled_refresh_error``:
    what a refresh of a pair killed by an uninstall gets: "NOT_INSTALLED" (401, default; b24pysdk's
    ``BitrixOAuthNotInstalled``) or "invalid_grant" (400). ``install_handler_url``: where
    ``portal.install()`` posts the installation callback when given no URL.
    """

    def __init__(self, client_id: str = "local.test.app", client_secret: str = "test-secret",
                 redirect_uri: str = "http://127.0.0.1:8080/webhook/create", host: str = "127.0.0.1",
                 port: int = 0, scope: str = "crm,user", app_id: int = 17, app_status: str = "L",
                 unknown_client_error: str = "invalid_client", regional_port: int = 0):
        self.client_id, self.client_secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self.scope, self.app_id, self.app_status = scope, app_id, app_status
        self.unknown_client_error = unknown_client_error
        self.uninstalled_refresh_error = "NOT_INSTALLED"
        self.install_handler_url: str | None = None
        self.host = host
        self.clock = Clock()
        self.tokens = TokenStore(self.clock)
        self.portals: dict[str, Portal] = {}
        self.counters = Tally()
        ports = (port, regional_port)
        self.oauth_hosts = {name: OAuthHost(self, name, host, p) for name, p in zip(OAUTH_HOSTS, ports, strict=True)}
        self._started = False

    @property
    def default_oauth(self) -> OAuthHost:
        return self.oauth_hosts[OAUTH_HOSTS[0]]

    @property
    def oauth_url(self) -> str:
        """The default (international) server's URL."""
        return self.default_oauth.url

    @property
    def oauth_domain(self) -> str:
        return self.default_oauth.domain

    @property
    def oauth_urls(self) -> list:
        """Every server's URL, the default first: what ``BITRIX_OAUTH_SERVERS`` would list."""
        return [host.url for host in self.oauth_hosts.values()]

    def oauth_host(self, name: str) -> OAuthHost:
        """The server named "international" or "regional"."""
        return self.oauth_hosts[name]

    @property
    def stats(self) -> dict:
        """Token requests (of every server) by grant type and method, refusals by error code."""
        return self.counters.snapshot()

    def start(self) -> "FakeBitrix":
        """Serve the OAuth servers (portals serve from ``add_portal`` on)."""
        if not self._started:
            for oauth in self.oauth_hosts.values():
                oauth.start()
            self._started = True
            logger.info("fake Bitrix24 OAuth servers at %s", ", ".join(self.oauth_urls))
        return self

    def stop(self) -> None:
        """Stop every portal and the OAuth servers."""
        for portal in self.portals.values():
            portal.stop()
        if self._started:
            for oauth in self.oauth_hosts.values():
                oauth.stop()
            self._started = False

    def __enter__(self) -> "FakeBitrix":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def add_portal(self, member_id: str | None = None, users: int = 30, seed: int = 1, fields: int = 0,
                   pipelines: int = 3, crm_rows: int = 0, port: int = 0, enterprise: bool = False,
                   oauth: str = OAUTH_HOSTS[0]) -> Portal:
        """A started, seeded portal with the app installed, owned by the OAuth server ``oauth``.

        ``enterprise`` gets the 250/5 bucket.
        """
        data = build_data(seed, users=users, fields=fields, pipelines=pipelines, crm_rows=crm_rows,
                          app_id=self.app_id, app_code=self.client_id, app_status=self.app_status)
        portal = Portal(self, data, member_id, self.host, port, enterprise, self.oauth_hosts[oauth])
        self.portals[portal.member_id] = portal
        portal.start()
        logger.info("fake Bitrix24 portal at %s", portal.url)
        return portal

    def portal(self, member_id: str) -> Portal:
        """The portal with that member_id."""
        return self.portals[member_id]

    def token_answer(self, grant: Grant) -> dict:
        """The auth server's JSON for a freshly issued pair, naming the server that owns the portal."""
        portal = self.portals[grant.member_id]
        oauth = portal.oauth_host
        return {"access_token": grant.access_token, "expires": grant.expires, "expires_in": grant.lifetime,
                "scope": portal.scope, "domain": oauth.domain, "server_endpoint": oauth.server_endpoint,
                "client_endpoint": portal.client_endpoint, "member_id": portal.member_id,
                "user_id": grant.user_id, "refresh_token": grant.refresh_token, "status": self.app_status}
