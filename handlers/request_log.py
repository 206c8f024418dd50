"""One log line per request: method, path without its query string, status, duration.

The query string is left out on purpose: the OAuth callback carries the authorization code there.
"""
import logging
import time

log = logging.getLogger("access")


class RequestLog:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def send_and_record(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            log.info("%s %s %s %.1fms", scope["method"], scope["path"], status,
                     (time.perf_counter() - started) * 1000)
