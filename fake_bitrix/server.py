"""HTTP plumbing: one loopback listener per fake host, turning requests into plain objects.

The application behind a listener is a callable ``app(Request) -> Response``; it never sees sockets.
Every connection is served in a thread of its own (so a slow answer delays only itself); one shared
thread accepts for all listeners (``acceptor.py``). A ``Response`` with ``drop`` set closes the
connection without answering. Nothing here logs paths or query strings: they carry tokens, codes
and webhook secrets.
"""
import json
import logging
import socket
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .acceptor import ACCEPTOR

logger = logging.getLogger(__name__)


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict = field(default_factory=dict)
    drop: bool = False  # close the connection instead of answering (an answer lost on the way)


def json_response(status: int, payload) -> Response:
    """A JSON answer; non-ASCII is escaped as PHP's json_encode does."""
    return Response(status, json.dumps(payload).encode())


def html_response(status: int, html: str) -> Response:
    """An HTML page, for the browser-facing parts of a portal."""
    return Response(status, html.encode(), "text/html; charset=utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real hosts; benchmarks reuse connections
    timeout = 120  # an idle kept-alive connection gives its thread back eventually

    def setup(self):
        super().setup()
        # headers and body leave in separate writes: without this, Nagle + delayed ACK cost 40 ms a call
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.connections.add(self.connection)

    def finish(self):
        self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def log_message(self, format, *args):
        pass  # the default access log prints the request line, query string (tokens) included

    def _serve(self):
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        request = Request(self.command, path, query, headers, body)
        try:
            response = self.server.app(request)
        except Exception:
            logger.exception("fake Bitrix24 host failed on a %s request", self.command)
            response = json_response(500, {"error": "INTERNAL_SERVER_ERROR",
                                           "error_description": "Internal error"})
        if response.drop:
            self._drop()
            return
        try:
            self._send(response)
        except OSError:
            pass  # the client gave up waiting (a slow-answer fault) or the listener is stopping

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, response: Response):
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)


class Listener:
    """An HTTP server on ``host`` (a free port when ``port`` is 0) serving ``app``, a thread per connection."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.app = app
        self._server.connections = set()
        self._serving = False
        self.host = host
        self.port = self._server.server_address[1]

    @property
    def app(self):
        return self._server.app

    @app.setter
    def app(self, app) -> None:
        """Serve another application from now on (e.g. a moved portal's redirects)."""
        self._server.app = app

    @property
    def domain(self) -> str:
        """``host:port``, what Bitrix24 calls a domain."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.domain}"

    def start(self) -> None:
        """Start accepting connections."""
        if not self._serving:
            ACCEPTOR.add(self._server)
            self._serving = True

    def stop(self) -> None:
        """Stop accepting, drop kept-alive connections and free the port."""
        if self._serving:
            ACCEPTOR.remove(self._server)
            self._serving = False
        for connection in list(self._server.connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()


class Hosted:
    """A fake host served by its own ``_listener``: its address, REST root and counters."""

    _listener: Listener
    counters: object

    @property
    def url(self) -> str:
        return self._listener.url

    @property
    def domain(self) -> str:
        """``host:port``, what Bitrix24 calls a domain."""
        return self._listener.domain

    @property
    def rest_endpoint(self) -> str:
        return f"{self.url}/rest/"

    @property
    def stats(self) -> dict:
        """What the host counted (see its ``counters``)."""
        return self.counters.snapshot()
