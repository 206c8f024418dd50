"""Which OAuth servers may get the application's secret: the allowlist (`BITRIX_OAUTH_SERVERS`).

Bitrix24 runs more than one authorization server (`https://oauth.bitrix.info`, and
`https://oauth.bitrix24.tech` for the Russian region); the callback's `server_domain` and the
token answer's `server_endpoint` name the one that serves a portal. A name is matched to an
entry by scheme (for endpoints), host and port, never by prefix or suffix; a server off the list
gets nothing (`UnknownOAuthServer`).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from .errors import UnknownOAuthServer
from .oauth import OAuthClient

DEFAULT_SERVERS = ("https://oauth.bitrix.info", "https://oauth.bitrix24.tech")
_DEFAULT_PORTS = {"https": 443, "http": 80}


def _address(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a server URL; ValueError unless it is a bare http(s) origin."""
    parts = urlsplit(url.strip())
    if (parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username or parts.password
            or parts.query or parts.fragment or parts.path.strip("/")):
        raise ValueError(f"not an OAuth server URL (scheme://host[:port]): {url!r}")
    return parts.scheme, parts.hostname.lower(), parts.port or _DEFAULT_PORTS[parts.scheme]


class OAuthServers:
    """The allowed OAuth servers, the first being the default (for callbacks without `server_domain`)."""

    def __init__(self, urls: Iterable[str] = DEFAULT_SERVERS):
        entries = [url.strip().rstrip("/") for url in urls if url and url.strip()]
        if not entries:
            raise ValueError("at least one OAuth server is needed")
        self._by_address = {_address(url): url for url in entries}
        self.urls = tuple(dict.fromkeys(entries))

    def __repr__(self):
        return f"OAuthServers({list(self.urls)!r})"

    @classmethod
    def from_setting(cls, value: str) -> OAuthServers:
        """From a comma list, e.g. `BITRIX_OAUTH_SERVERS`."""
        return cls(value.split(","))

    @property
    def default(self) -> str:
        return self.urls[0]

    def for_domain(self, server_domain: str | None) -> str | None:
        """The entry a callback's `server_domain` (`host` or `host:port`) names; the default when
        it is empty; None when it names a server off the list."""
        if not server_domain:
            return self.default
        domain = server_domain.strip()
        if not domain or any(char in domain for char in "/?#@\\ \t"):
            return None
        try:
            parts = urlsplit(f"//{domain}")
            host, port = (parts.hostname or "").lower(), parts.port
        except ValueError:
            return None
        for (scheme, known_host, known_port), url in self._by_address.items():
            if known_host == host and (port or _DEFAULT_PORTS[scheme]) == known_port:
                return url
        return None

    def for_endpoint(self, server_endpoint: str | None) -> str | None:
        """The entry a token answer's or an event's `server_endpoint` (`https://host/rest/`) names."""
        if not server_endpoint:
            return None
        parts = urlsplit(server_endpoint)
        try:
            address = _address(f"{parts.scheme}://{parts.netloc}")
        except ValueError:
            return None
        return self._by_address.get(address)

    def client(self, server: str | None, client_id: str, client_secret: str, **options) -> OAuthClient:
        """An OAuthClient for `server` (an entry's URL, or a `server_domain`); UnknownOAuthServer
        when it is not on the list, before anything is sent."""
        url = self._entry(server)
        if url is None:
            raise UnknownOAuthServer("", "OAuth server is not on the allowlist", None, "oauth/token")
        return OAuthClient(url, client_id, client_secret, **options)

    def _entry(self, server: str | None) -> str | None:
        if server and "://" in server:
            try:
                return self._by_address.get(_address(server.rstrip("/")))
            except ValueError:
                return None
        return self.for_domain(server)
