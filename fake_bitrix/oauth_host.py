"""One authorization server of the fake (the international one, or a regional one) on its own port.

Bitrix24 runs more than one: ``oauth.bitrix.info`` and, for the Russian region,
``oauth.bitrix24.tech``. Each fake host names itself in ``server_domain``, ``domain`` and
``server_endpoint`` of what it issues, and serves only the portals it owns.
"""
from .server import Hosted, Listener
from .stats import Tally
from .token_endpoint import TokenEndpoint


class OAuthHost(Hosted):
    """``refuse_post``: answer token requests made by POST with 400 invalid_request (GET still works)."""

    # ``stats``: token requests to this server by grant type and HTTP method, refusals by error code.

    def __init__(self, fake, name: str, host: str = "127.0.0.1", port: int = 0):
        self.fake, self.name = fake, name
        self.refuse_post = False
        self.counters = Tally()
        self._listener = Listener(TokenEndpoint(fake, self), host, port)
        self._started = False

    def __repr__(self):
        return f"OAuthHost({self.name!r}, {self.url!r})"

    @property
    def server_endpoint(self) -> str:
        """What token answers and events name as ``server_endpoint`` (``domain``: ``server_domain``)."""
        return self.rest_endpoint

    def start(self) -> None:
        if not self._started:
            self._listener.start()
            self._started = True

    def stop(self) -> None:
        if self._started:
            self._listener.stop()
            self._started = False
