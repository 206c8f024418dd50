"""An OAuth server's HTTP side: ``/oauth/token/`` with both grants, query string or form body.

Each server issues and renews pairs only for the portals it owns: a code or refresh token of a
portal owned by the other server is refused with invalid_grant and is not spent (what the real
servers answer is not documented).
"""
import logging
from urllib.parse import parse_qsl

from .oauth import ACCESS_LIFETIME, OAuthError
from .server import Request, Response, json_response

logger = logging.getLogger(__name__)


class TokenEndpoint:
    """``app(request)`` for the listener of one fake OAuth server (an ``OAuthHost``)."""

    def __init__(self, fake, host):
        self._fake = fake
        self._host = host

    def __call__(self, request: Request) -> Response:
        if request.path.rstrip("/") != "/oauth/token":
            return json_response(404, {"error": "not_found", "error_description": "Not found"})
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        if request.method == "POST":
            if self._host.refuse_post:
                # The docs show only GET; a server that reads the query string alone sees no grant.
                self._count("token_post_refused")
                return json_response(400, {"error": "invalid_request",
                                           "error_description": "No \"grant_type\" parameter found"})
            if request.content_type == "application/x-www-form-urlencoded":
                params.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        grant_type = params.get("grant_type", "")
        self._count(f"token_{grant_type or 'missing'}")
        self._count(f"token_by_{request.method.lower()}")
        try:
            answer = self._token(grant_type, params)
        except OAuthError as error:
            logger.info("token request refused: %s", error.error)
            self._count(f"token_error_{error.error}")
            return json_response(error.status, {"error": error.error, "error_description": error.description})
        return json_response(200, answer)

    def _count(self, name: str) -> None:
        self._fake.counters.bump(name)
        self._host.counters.bump(name)

    def _token(self, grant_type: str, params: dict) -> dict:
        fake = self._fake
        if params.get("client_id") != fake.client_id:
            if fake.unknown_client_error == "wrong_client":
                raise OAuthError("wrong_client", "Wrong client", status=200)
            raise OAuthError("invalid_client", "Invalid client")
        if params.get("client_secret") != fake.client_secret:
            raise OAuthError("invalid_client", "Invalid client credentials")
        if grant_type == "authorization_code":
            secret = params.get("code") or _missing("code")
            portal = self._owned(fake.tokens.code_owner(secret), secret)
            grant = fake.tokens.redeem_code(secret, portal.token_lifetime if portal else ACCESS_LIFETIME)
        elif grant_type == "refresh_token":
            secret = params.get("refresh_token") or _missing("refresh_token")
            portal = self._owned(fake.tokens.refresh_owner(secret), secret)
            grant = fake.tokens.refresh(secret, portal.token_lifetime if portal else ACCESS_LIFETIME)
        else:
            raise OAuthError("invalid_request", "Unsupported grant_type")
        portal = fake.portals.get(grant.member_id)
        if portal is None or portal.state == "deleted":
            raise OAuthError("invalid_grant", "Portal not found")
        return fake.token_answer(grant)

    def _owned(self, member_id: str | None, secret: str):
        """The portal a code or refresh token belongs to, refused when another server owns it."""
        if member_id is None:
            uninstalled = self._fake.tokens.revoked_owner(secret)
            portal = self._fake.portals.get(uninstalled) if uninstalled else None
            if portal is not None and not portal.installed:
                raise portal.uninstalled_refresh_error()
            return None  # unknown: the store refuses it with invalid_grant
        portal = self._fake.portals.get(member_id)
        if portal is not None and portal.oauth_host is not self._host:
            raise OAuthError("invalid_grant", "The grant was issued by another authorization server")
        return portal


def _missing(name: str):
    raise OAuthError("invalid_request", f"Parameter {name} is required")
