"""Connexion's AsyncApp with each handler wrapped once, at start-up, instead of on every request.

Connexion 3.3's AsyncOperation builds its decorator chain (threadpool hop, parameters, response)
anew for every request, and with it a URI parser for the operation; nothing in either depends on
the request, which they read from Connexion's context variables when called. Building them once
per operation saved about 5% of a request's CPU (benchmarks/api_overhead). Tied to Connexion's
internals (pinned to 3.3 in setup.cfg); tests/api/test_routing.py notices when it stops applying.
"""
import functools

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator


class _OnceDecorator(StarletteDecorator):
    @functools.cached_property
    def uri_parser(self):
        # The operation's, made at its first request: Connexion's reads the operation from the context.
        return super().uri_parser

    def __call__(self, function):
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*args, **kwargs):
            request = self.framework.get_request(uri_parser=self.uri_parser, scope=scope, receive=receive)
            return await decorated(request)
        return wrapper


class _OnceOperation(AsyncOperation):
    @functools.cached_property
    def fn(self):
        return _OnceDecorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class _OnceApi(AsyncApi):
    def make_operation(self, operation) -> AsyncOperation:
        return _OnceOperation.from_operation(operation, pythonic_params=self.pythonic_params,
                                             jsonifier=self.jsonifier)


class App(AsyncApp):
    """AsyncApp whose operations wrap their handlers once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._middleware_app.api_cls = _OnceApi
