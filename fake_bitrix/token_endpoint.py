"""The OAuth server's HTTP side: ``/oauth/token/`` with both grants, query string or form body."""
import logging
from urllib.parse import parse_qsl

from .oauth import OAuthError
from .server import Request, Response, json_response

logger = logging.getLogger(__name__)


class TokenEndpoint:
    """``app(request)`` for the OAuth server listener of a ``FakeBitrix``."""

    def __init__(self, fake):
        self._fake = fake

    def __call__(self, request: Request) -> Response:
        if request.path.rstrip("/") != "/oauth/token":
            return json_response(404, {"error": "not_found", "error_description": "Not found"})
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            params.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        grant_type = params.get("grant_type", "")
        self._fake.counters.bump(f"token_{grant_type or 'missing'}")
        try:
            answer = self._token(grant_type, params)
        except OAuthError as error:
            logger.info("token request refused: %s", error.error)
            self._fake.counters.bump(f"token_error_{error.error}")
            return json_response(error.status, {"error": error.error, "error_description": error.description})
        return json_response(200, answer)

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
            grant = fake.tokens.redeem_code(secret)
        elif grant_type == "refresh_token":
            secret = params.get("refresh_token") or _missing("refresh_token")
            grant = fake.tokens.refresh(secret)
        else:
            raise OAuthError("invalid_request", "Unsupported grant_type")
        portal = fake.portals.get(grant.member_id)
        if portal is None or portal.state == "deleted":
            raise OAuthError("invalid_grant", "Portal not found")
        return fake.token_answer(grant)


def _missing(name: str):
    raise OAuthError("invalid_request", f"Parameter {name} is required")
