"""What uvicorn and gunicorn need from the service to hold a request line and headers to `Limits`.

uvicorn (0.54) with httptools, its default parser, keeps every byte of a request line and headers
in memory with no limit (100 MB of headers is 100 MB of memory) and waits for them forever: its
keep-alive timeout ends when the first byte arrives, so a client trickling its headers holds a
connection for good (slowloris), and so does one trickling a body the app answered without
reading. uvicorn has no setting for either, and gunicorn's `limit_request_*` settings do not
reach its uvicorn worker. (With `--http h11`, h11 caps the
header block at 16 KiB, `--h11-max-incomplete-event-size`, and answers in plain text; it has no
timeout either.) So the service brings its own protocol: uvicorn's, which refuses a URL or a header
block over the limit while it arrives and headers that take too long, with a JSON answer.

    uvicorn wsgi:app --http web.serving:LimitedHttpToolsProtocol
    gunicorn -k web.serving.UvicornWorker wsgi:app

The body's limits need no server: `web.limits.RequestLimits` holds it to them.
"""
import json
import logging

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn_worker import UvicornWorker as _UvicornWorker

from settings import Settings
from web.limits import Limits

log = logging.getLogger("access")
_REASONS = {400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


def _limits(config) -> Limits:
    # Read once per server: the protocol is made per connection, from uvicorn's config.
    limits = getattr(config, "service_limits", None)
    if limits is None:
        limits = config.service_limits = Limits(Settings.from_env())
    return limits


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, config, server_state, app_state, _loop=None):
        super().__init__(config, server_state, app_state, _loop)
        self.limits = _limits(config)
        self.header_timer = None
        self.url_bytes = self.header_bytes = 0
        self.refusal = None

    def connection_made(self, transport):
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc):
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self):
        super().on_message_begin()
        self.url_bytes = self.header_bytes = 0
        self._arm()

    def on_url(self, url):
        self.url_bytes += len(url)
        self._refuse_if(self.limits.url_refusal(self.url_bytes))
        super().on_url(url)

    def on_header(self, name, value):
        self.header_bytes += len(name) + len(value)
        self._refuse_if(self.limits.header_refusal(self.header_bytes))
        super().on_header(name, value)

    def on_headers_complete(self):
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self):
        if self.cycle is not None and self.cycle.more_body:
            # Answered before its body was read (a 401, a 404): waiting for the rest of that body
            # would let a client trickle it for ever. The connection ends with the answer.
            self.transport.close()
        super().on_response_complete()

    def _refuse_if(self, refusal):
        if refusal:
            self.refusal = refusal
            # The parser turns this into HttpParserError, which uvicorn answers with send_400_response.
            raise ValueError(refusal[1])

    def send_400_response(self, msg: str) -> None:
        status, message = self.refusal or (400, "invalid HTTP request")
        self._answer(status, message)

    def _arm(self):
        self._disarm()
        self.header_timer = self.loop.call_later(self.limits.settings.header_timeout_seconds, self._headers_too_slow)

    def _disarm(self):
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_too_slow(self):
        self.header_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            # A pipelined request waits behind an answer still being sent: judge it once that is out.
            self._arm()
        elif not self.transport.is_closing():
            self._answer(*self.limits.header_timeout())

    def _answer(self, status: int, message: str) -> None:
        """A JSON string answer written by the server itself, then the connection closed."""
        self._disarm()
        body = json.dumps(message).encode()
        head = [f"HTTP/1.1 {status} {_REASONS[status]}".encode()]
        head += [name + b": " + value for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json", b"content-length: %d" % len(body), b"connection: close",
                 b"x-content-type-options: nosniff"]
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        self.transport.close()
        log.info("- - %s refused by the server: %s", status, message,
                 extra={"fields": {"status": status, "refused": message}})


class UvicornWorker(_UvicornWorker):
    """gunicorn's uvicorn worker, serving with `LimitedHttpToolsProtocol`."""

    CONFIG_KWARGS = {**_UvicornWorker.CONFIG_KWARGS, "http": "web.serving:LimitedHttpToolsProtocol"}
