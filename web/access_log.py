"""One log line and one latency sample per request, under a request id, and the headers every answer
carries (web/response_headers.py): one layer around the app, since every layer costs each request.

The id comes from the caller's X-Request-ID (when it is a sane token) or is made here, and is
sent back in the answer. The line holds method, path without its query string (the OAuth
callback carries the authorization code there) and cut at `MAX_PATH` characters, operation,
status, duration and account; operation and account are what `web.request_facts` recorded.
"""
import logging
import re
import time
import uuid

from observability.logs import request_id
from web.request_facts import close_facts, open_facts
from web.response_headers import add_headers

log = logging.getLogger("access")
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
MAX_PATH = 256


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
        facts, facts_token = open_facts()
        status = 500

        async def send_and_record(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
                add_headers(scope["path"], message)
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            seconds = time.perf_counter() - started
            operation, account = facts.operation, facts.account
            path = scope["path"] if len(scope["path"]) <= MAX_PATH else scope["path"][:MAX_PATH] + "..."
            self.metrics.observe_request(operation, status, seconds)
            log.info("%s %s %s %.1fms op=%s account=%s", scope["method"], path, status, seconds * 1000,
                     operation or "-", account or "-",
                     extra={"fields": {"method": scope["method"], "path": path, "status": status,
                                       "duration_ms": round(seconds * 1000, 1), "operation": operation,
                                       "account": account}})
            close_facts(facts_token)
            request_id.reset(token)
