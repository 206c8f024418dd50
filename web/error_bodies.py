"""Every error answer as the spec shows it: a JSON string of at most `MAX_DETAIL` characters, no internals.

A 400 from validation is logged as the field and the rule it broke, never the value; Connexion's
own validation log lines (which quote the value) are kept off in `observability.logs`.
"""
import json
import logging
import re

from connexion.exceptions import OAuthProblem, ProblemException
from connexion.lifecycle import ConnexionResponse
from starlette.exceptions import HTTPException

from errors import ServiceError
from storage.db import UNAVAILABLE
from web.validation_messages import field_and_rule

log = logging.getLogger(__name__)
MAX_DETAIL = 300


def error_response(status: int, message: str, headers=None) -> ConnexionResponse:
    if len(message) > MAX_DETAIL:
        message = message[:MAX_DETAIL] + "..."
    return ConnexionResponse(status_code=status, body=json.dumps(message), headers=headers or {},
                             content_type="application/json", mimetype="application/json")


def _problem(request, exc: ProblemException):
    # Validation details go on to quote the schema after a blank line: keep the first part only.
    detail = field_and_rule(str(exc.detail or exc.title or "error").split("\n\n")[0].strip())
    headers = dict(exc.headers or {})
    if isinstance(exc, OAuthProblem):
        # RFC 6750: a 401 names the scheme; "invalid_token" when a token was sent and refused.
        given = request.headers.get("authorization", "").lower().startswith("bearer ")
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if given else "Bearer"
    elif exc.status == 400:
        log.info("refused: %s", detail[:MAX_DETAIL])
    return error_response(exc.status, detail, headers)


class RouterErrors:
    """Router answers (404, 405) in the spec's format, with what the router gets wrong fixed.

    Connexion routes integer path parameters with a typed converter, so `/bitrix/rules/abc`
    never reaches validation and would be a 404: a path that matches a spec template with any
    value in its parameters is a bad parameter (400), as the spec documents. And a 405 lists
    only one operation's methods in `Allow`: the spec says which methods the path has.
    """

    def __init__(self, spec_paths: dict):
        self.paths = [(re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"),
                       "{" in path, self._allow(item)) for path, item in spec_paths.items()]

    @staticmethod
    def _allow(item: dict) -> str:
        methods = [m.upper() for m in item if m in ("get", "put", "post", "delete", "patch")]
        return ", ".join(methods + (["HEAD"] if "GET" in methods else []))

    def __call__(self, request, exc: HTTPException):
        route = next((r for r in self.paths if r[0].match(request.url.path)), None)
        if exc.status_code == 404 and route and route[1]:
            return error_response(400, "invalid path parameter")
        if exc.status_code == 405:
            headers = {"Allow": route[2]} if route else exc.headers
            return error_response(405, "Method Not Allowed", headers)
        return error_response(exc.status_code, "Not Found" if exc.status_code == 404 else "error",
                              exc.headers)


def _service(request, exc: ServiceError):
    return error_response(exc.status, exc.message, getattr(exc, "headers", None))


def _bad_encoding(request, exc: UnicodeDecodeError):
    return error_response(400, "request body is not valid UTF-8")


def _database_down(request, exc):
    log.error("database unavailable: %s", type(exc).__name__)
    return error_response(503, "service temporarily unavailable", {"Retry-After": "5"})


def _unexpected(request, exc: Exception):
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "Internal Server Error")


def register(app, spec_paths: dict) -> None:
    """Install the error handlers on a Connexion app serving `spec_paths`."""
    app.add_error_handler(ProblemException, _problem)
    app.add_error_handler(HTTPException, RouterErrors(spec_paths))
    app.add_error_handler(ServiceError, _service)
    app.add_error_handler(UnicodeDecodeError, _bad_encoding)
    for error in UNAVAILABLE:
        app.add_error_handler(error, _database_down)
    app.add_error_handler(Exception, _unexpected)
