"""One log line and one latency sample per request, under a request id.

The id comes from the caller's X-Request-ID (when it is a sane token) or is made here, and is
sent back in the answer. The line holds method, path without its query string (the OAuth
callback carries the authorization code there), operation, status, duration and account.
"""
import logging
import re
import time
import uuid

from observability.logs import request_id

log = logging.getLogger("access")
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestLog:
    def __init__(self, app, metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SANE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500

        async def send_and_record(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            seconds = time.perf_counter() - started
            extensions = scope.get("extensions") or {}
            operation = (extensions.get("connexion_routing") or {}).get("operation_id") or ""
            account = (extensions.get("connexion_context") or {}).get("user") or ""
            self.metrics.observe_request(operation.rsplit(".", 1)[-1], status, seconds)
            log.info("%s %s %s %.1fms op=%s account=%s", scope["method"], scope["path"], status, seconds * 1000,
                     operation or "-", account or "-",
                     extra={"fields": {"method": scope["method"], "path": scope["path"], "status": status,
                                       "duration_ms": round(seconds * 1000, 1), "operation": operation,
                                       "account": account}})
            request_id.reset(token)
