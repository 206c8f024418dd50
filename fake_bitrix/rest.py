"""A portal's ``/rest/`` side: routing, parameters, authentication, faults, the answer envelope.

Order of checks for one request: injected fault, portal state, leaky bucket, auth, method, scope.
A portal with a latency (``Portal.set_latency``) waits half of it before handling the request and
half after: the call takes effect in the middle, as on a real server.
"""
import json
import logging
import time

from . import phpquery
from .envelope import BitrixError, success_body, time_block
from .faults import FaultAnswer, strike
from .methods import Call, invoke
from .server import Request, Response, json_response

logger = logging.getLogger(__name__)
NO_AUTH = BitrixError(401, "NO_AUTH_FOUND", "Wrong authorization data")
METHOD_NOT_FOUND = BitrixError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")


def route(path: str):
    """``(method, webhook)`` for ``/rest/{method}[.json]`` or ``/rest/{user}/{code}/{method}``, else None."""
    parts = path.strip("/").split("/")
    if parts[0] != "rest" or len(parts) not in (2, 4):
        return None
    webhook = (int(parts[1]), parts[2]) if len(parts) == 4 and parts[1].isdigit() else None
    if len(parts) == 4 and webhook is None:
        return None
    name = parts[-1].lower().removesuffix(".json").removesuffix(".xml")
    return name, webhook


def request_params(request: Request) -> dict:
    """Query-string parameters, then the body's (JSON or form-encoded) on top."""
    params = phpquery.parse(request.query)
    if request.method != "POST" or not request.body:
        return params
    text = request.body.decode("utf-8", "replace")
    if "json" in request.content_type:
        try:
            body = json.loads(text)
        except ValueError:
            raise BitrixError(400, "INVALID_REQUEST", "Request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise BitrixError(400, "INVALID_REQUEST", "Request body must be a JSON object")
    else:
        body = phpquery.parse(text)
    params.update(body)
    return params


def handle(portal, request: Request) -> Response:
    """Answer one REST request the way the portal would, faults included."""
    found = route(request.path)
    if found is None:
        return json_response(404, METHOD_NOT_FOUND.body())
    name, webhook = found
    pause = portal.latency.draw()
    if pause:
        portal.stopping.wait(pause / 2)
    response = _handle(portal, request, name, webhook)
    if pause:
        portal.stopping.wait(pause / 2)
    return response


def _handle(portal, request: Request, name: str, webhook) -> Response:
    portal.counters.bump("requests")
    portal.counters.count_method(name)
    fault = portal.faults.take(name)
    if fault is not None:
        portal.counters.bump("faults")
        logger.info("fake portal injects a fault into %s", name)
    params = {}
    try:
        params = request_params(request)
        if fault is not None and not fault.after_effect:
            strike(fault, portal.stopping)
        response = _answer(portal, name, webhook, params)
        if fault is not None and fault.after_effect:
            strike(fault, portal.stopping)
    except BitrixError as error:
        body = error.body()
        if error.error == "OPERATION_TIME_LIMIT" and portal.time_in_429:
            now = portal.clock.now()
            body["time"] = time_block(now, now, 0.0, portal.operating.operating(name),
                                      portal.operating.reset_at(name))
        response = json_response(error.status, body)
    except FaultAnswer as raw:
        response = raw.response
    error = _error_code(response)
    portal.counters.record(request.method, name, params, response.status, error, portal.clock.now())
    return response


def _answer(portal, name: str, webhook, params: dict) -> Response:
    began, started = portal.clock.now(), time.perf_counter()
    portal.check_usable()
    portal.bucket.admit()
    call = _authenticate(portal, webhook, params.pop("auth", None))
    result = invoke(call, name, params)
    spent = time.perf_counter() - started
    operating = portal.operating
    timing = time_block(began, began + spent, spent, operating.operating(name), operating.reset_at(name))
    return json_response(200, success_body(result, timing))


def _authenticate(portal, webhook, token) -> Call:
    if webhook is not None:
        user_id, code = webhook
        if portal.webhook_code(user_id) != code:
            raise NO_AUTH
        return Call(portal, _active(portal, user_id), None)
    if not token or not isinstance(token, str):
        raise NO_AUTH
    grant = portal.tokens.lookup(token)
    if grant is None or grant.member_id != portal.member_id:
        if not portal.installed and portal.tokens.revoked_owner(token) == portal.member_id:
            raise portal.uninstalled_rest_answer()
        raise BitrixError(401, "invalid_token", "Unable to get application by token")
    if portal.clock.now() >= grant.expires:
        raise BitrixError(401, "expired_token", "The access token provided has expired.")
    return Call(portal, _active(portal, grant.user_id),
                frozenset(scope.strip() for scope in portal.scope.split(",")))


def _active(portal, user_id: int) -> int:
    """The acting user, unless dismissed: b24pysdk's BitrixAPIAuthorizationError (401)."""
    if user_id in portal.dismissed_users:
        raise BitrixError(401, "authorization_error", "Unable to authorize user")
    return user_id


def _error_code(response: Response):
    if response.status == 200 or not response.content_type.startswith("application/json"):
        return None
    try:
        return json.loads(response.body).get("error")
    except ValueError:
        return None
