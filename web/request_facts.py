"""What routing and security learned about a request, for the access log and the metrics.

Connexion's routing hands the rest of the stack a copy of the ASGI scope, and writes the
operation (and security the account) into that copy only. Whether the copy shares anything with
the scope the outer middleware holds depends on the server: Starlette's TestClient builds a scope
with an `extensions` dict that the copy shares, uvicorn does not. So the access log does not read
the scope: it opens a `RequestFacts` for the request (a context variable: the middleware stack
runs in one task), and `RecordFacts`, placed after routing, writes into it.
"""
import contextvars
import dataclasses


@dataclasses.dataclass
class RequestFacts:
    operation: str = ""
    account: str = ""


_current: contextvars.ContextVar[RequestFacts | None] = contextvars.ContextVar("request_facts", default=None)


def open_facts() -> tuple[RequestFacts, contextvars.Token]:
    """Facts for the request starting now; pass the token to `close_facts` when it ends."""
    facts = RequestFacts()
    return facts, _current.set(facts)


def close_facts(token: contextvars.Token) -> None:
    _current.reset(token)


class RecordFacts:
    """ASGI middleware after Connexion's routing: records the operation, then the account security found.

    It sits before security, so a request that security refuses still has its operation; the
    account is read from the same scope once the inner stack has run or starts its answer.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        facts = _current.get()
        if facts is None or scope["type"] != "http":
            return await self.app(scope, receive, send)
        extensions = scope.get("extensions") or {}
        facts.operation = (extensions.get("connexion_routing") or {}).get("operation_id") or ""

        def note_account():
            if not facts.account:
                user = ((scope.get("extensions") or {}).get("connexion_context") or {}).get("user")
                facts.account = user if isinstance(user, str) else ""

        async def send_noting_account(message):
            if message["type"] == "http.response.start":
                note_account()
            await send(message)

        try:
            await self.app(scope, receive, send_noting_account)
        finally:
            note_account()
