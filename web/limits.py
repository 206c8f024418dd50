"""How big and how slow a request may be, and the ASGI middleware that holds the app to it.

The body is limited before it is read: a declared Content-Length over the limit is refused at
once, a chunked body as soon as it passes the limit; a body that has not arrived in full within
its deadline is refused too (a client trickling it would hold a connection and a request's
memory forever). A chunked body is read here and handed on with its Content-Length: Connexion
takes a body without one for a missing body (a required one is refused, any other would go to
the handler unvalidated). The URL and header limits are checked here for any server; under
`make run` and `make serve` the server refuses them first, while they still arrive (`web.serving`).
"""
import asyncio
import time

from errors import ServiceError


class Limits:
    """The limits of `settings` (MAX_BODY_BYTES, MAX_URL_BYTES, MAX_HEADER_BYTES, HEADER_/BODY_TIMEOUT_SECONDS)."""

    def __init__(self, settings):
        self.settings = settings

    def url_refusal(self, size: int) -> tuple[int, str] | None:
        if size > self.settings.max_url_bytes:
            return 414, f"the URL is longer than {self.settings.max_url_bytes} bytes"
        return None

    def header_refusal(self, size: int) -> tuple[int, str] | None:
        if size > self.settings.max_header_bytes:
            return 431, f"the request headers are larger than {self.settings.max_header_bytes} bytes"
        return None

    def body_refusal(self, size: int) -> tuple[int, str] | None:
        if size > self.settings.max_body_bytes:
            return 413, f"the request body is larger than {self.settings.max_body_bytes} bytes"
        return None

    def header_timeout(self) -> tuple[int, str]:
        return 408, f"the request headers did not arrive within {self.settings.header_timeout_seconds:g} s"

    def body_timeout(self) -> tuple[int, str]:
        return 408, f"the request body did not arrive within {self.settings.body_timeout_seconds:g} s"


class Refused(ServiceError):
    """A request refused for its size, shape or pace; the connection is closed after the answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        # The rest of the body is never read: the connection cannot carry another request.
        self.headers = {"Connection": "close"}


class RequestLimits:
    """ASGI middleware refusing (in the spec's format) what `Limits` does not allow."""

    def __init__(self, app, limits: Limits):
        self.app = app
        self.limits = limits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        self._check_head(scope, headers)
        receive = self._bounded(receive)
        if b"transfer-encoding" in headers:
            scope, receive = await self._with_length(scope, receive)
        await self.app(scope, receive, send)

    def _check_head(self, scope, headers: dict) -> None:
        url = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string") or b"")
        refusal = (self.limits.url_refusal(url)
                   or self.limits.header_refusal(sum(len(name) + len(value) for name, value in scope["headers"])))
        if refusal:
            raise Refused(*refusal)
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit():
                raise Refused(400, "Content-Length is not a number")
            refusal = self.limits.body_refusal(int(length))
            if refusal:
                raise Refused(*refusal)
        has_body = (length is not None and int(length) > 0) or b"transfer-encoding" in headers
        if has_body and not headers.get(b"content-type", b"").strip():
            # Connexion would validate the body as JSON and then hand the handler its raw bytes.
            raise Refused(415, "Content-Type is required for a request with a body")

    @staticmethod
    async def _with_length(scope, receive):
        """The chunked body read in full (within the limits), replayed with a Content-Length."""
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                raise Refused(400, "the client went away before its body arrived")
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        headers = [(name, value) for name, value in scope["headers"]
                   if name not in (b"transfer-encoding", b"content-length")]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return scope, replay

    def _bounded(self, receive):
        """`receive` that refuses a body over the size limit or past its deadline."""
        deadline = time.monotonic() + self.limits.settings.body_timeout_seconds
        received = 0
        complete = False

        async def bounded_receive():
            nonlocal received, complete
            if complete:
                return await receive()
            try:
                # asyncio.timeout, not wait_for: no task of its own for every piece of every body.
                async with asyncio.timeout(max(deadline - time.monotonic(), 0)):
                    message = await receive()
            except TimeoutError:
                raise Refused(*self.limits.body_timeout()) from None
            if message["type"] != "http.request":
                complete = True
                return message
            received += len(message.get("body", b""))
            refusal = self.limits.body_refusal(received)
            if refusal:
                raise Refused(*refusal)
            complete = not message.get("more_body", False)
            return message

        return bounded_receive
