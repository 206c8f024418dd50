"""OAuth 2.0 of a Bitrix24 application: the authorize URL, code exchange and token refresh.

An `OAuthClient` talks to one authorization server (`{oauth_url}/oauth/token/`); which servers
may get the client secret is `OAuthServers`' decision (`oauth_servers.py`).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from urllib.parse import urlencode

import requests

from .error_table import error_for
from .errors import BitrixError, TransportError
from .transport import decode_json, transport_error

log = logging.getLogger(__name__)

DEFAULT_OAUTH_TIMEOUT = (3.05, 15)


class _HideTokenQueries(logging.Filter):
    """urllib3 logs each request line, query string included, at DEBUG; a token request by GET
    carries the client secret and the code or refresh token there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(_is_token_query(arg) for arg in record.args):
            record.args = tuple(arg.split("?", 1)[0] + "?[hidden]" if _is_token_query(arg) else arg
                                for arg in record.args)
        return True


def _is_token_query(arg) -> bool:
    return isinstance(arg, str) and "/oauth/token/?" in arg


logging.getLogger("urllib3.connectionpool").addFilter(_HideTokenQueries())


@dataclasses.dataclass(frozen=True)
class TokenSet:
    """One portal's token pair and the facts the authorization server sent with it."""

    access_token: str = dataclasses.field(repr=False)
    refresh_token: str = dataclasses.field(repr=False)
    expires_at: int
    client_endpoint: str
    server_endpoint: str = ""
    member_id: str = ""
    scope: str = ""
    user_id: int | None = None
    status: str = ""
    #: local Unix time the pair was received (None when unknown, e.g. read back from storage)
    issued_at: float | None = None

    def expired(self, now=None, leeway=0.0) -> bool:
        """True when the access token is dead (or dies within `leeway` seconds) at `now`."""
        now = time.time() if now is None else now
        return now + leeway >= self.expires_at

    @property
    def lifetime(self) -> float | None:
        """Seconds the access token lives from issue to expiry, when the issue time is known."""
        return None if self.issued_at is None else self.expires_at - self.issued_at

    @classmethod
    def from_answer(cls, answer: dict, now=None) -> TokenSet:
        """Build from a token answer (or an ONAPPINSTALL `auth` object); `expires` wins over `expires_in`."""
        now = time.time() if now is None else now
        expires = answer.get("expires")
        if expires in (None, ""):
            expires = now + int(answer.get("expires_in") or 3600)
        user_id = answer.get("user_id")
        return cls(
            access_token=answer["access_token"],
            refresh_token=answer.get("refresh_token") or "",
            expires_at=int(float(expires)),
            client_endpoint=answer.get("client_endpoint") or "",
            server_endpoint=answer.get("server_endpoint") or "",
            member_id=answer.get("member_id") or "",
            scope=answer.get("scope") or "",
            user_id=int(user_id) if user_id not in (None, "") else None,
            status=answer.get("status") or "",
            issued_at=now,
        )


class OAuthClient:
    """Talks to one authorization server ({oauth_url}/oauth/token/) for one application."""

    def __init__(self, oauth_url, client_id, client_secret, session=None,
                 timeout=DEFAULT_OAUTH_TIMEOUT, clock=time.time):
        self.oauth_url = oauth_url.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.session = session or requests.Session()
        self.timeout = timeout
        self.clock = clock
        # Set once the server refused a POST as an invalid request: later requests go by GET at once.
        self.get_only = False

    def __repr__(self):
        return f"OAuthClient({self.oauth_url!r}, client_id={self.client_id!r})"

    def authorize_url(self, portal_url, state) -> str:
        """The portal page where the user approves the application."""
        query = urlencode({"client_id": self.client_id, "state": state})
        return f"{portal_url.rstrip('/')}/oauth/authorize/?{query}"

    def exchange_code(self, code) -> TokenSet:
        """Trade the one-time authorization code for a token pair."""
        return self._token("authorization_code", code=code)

    def refresh(self, refresh_token) -> TokenSet:
        """Trade a refresh token (single use) for a new token pair."""
        return self._token("refresh_token", refresh_token=refresh_token)

    def _token(self, grant_type, **grant) -> TokenSet:
        # Form data in a POST body keeps the secret and the grant out of URLs and access logs
        # (b24jssdk confirmed POST on oauth.bitrix24.tech); the docs show only GET, so a server
        # that refuses the POST as an invalid request gets the same request once by GET.
        # Never repeated otherwise: a refresh that reached the server consumed the refresh token.
        form = {"grant_type": grant_type, "client_id": self.client_id,
                "client_secret": self._client_secret, **grant}
        if not self.get_only:
            try:
                return self._request("POST", grant_type, form)
            except BitrixError as error:
                if (error.code or "").lower() != "invalid_request" or error.status != 400:
                    raise
                log.warning("oauth %s by POST refused as invalid_request: repeating by GET", grant_type)
                self.get_only = True
        return self._request("GET", grant_type, form)

    def _request(self, http_method, grant_type, form) -> TokenSet:
        url = f"{self.oauth_url}/oauth/token/"
        body = {"data": form} if http_method == "POST" else {"params": form}
        started = time.monotonic()
        try:
            response = self.session.request(http_method, url, timeout=self.timeout, allow_redirects=False,
                                            **body)
        except requests.RequestException as exc:
            log.warning("oauth %s failed: %s", grant_type, type(exc).__name__)
            raise transport_error(exc, "oauth/token") from None
        elapsed_ms = (time.monotonic() - started) * 1000
        answer = decode_json(response, "oauth/token")
        error = answer.get("error") if isinstance(answer, dict) else None
        if error or response.status_code >= 400 or not isinstance(answer, dict):
            code = error or ""
            log.warning("oauth %s -> %s %s (%.0f ms)", grant_type, response.status_code, code, elapsed_ms)
            raise error_for(code, answer.get("error_description", "") if isinstance(answer, dict) else "",
                            response.status_code, "oauth/token")
        if not answer.get("access_token"):
            raise TransportError("", "token answer without access_token", response.status_code, "oauth/token",
                                 request_may_have_run=True)
        tokens = TokenSet.from_answer(answer, now=self.clock())
        log.info("oauth %s -> %s member_id=%s (%.0f ms)", grant_type, response.status_code,
                 tokens.member_id, elapsed_ms)
        return tokens
