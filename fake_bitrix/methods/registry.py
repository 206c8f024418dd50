"""Method lookup, scope checks and timing shared by direct calls and batch commands."""
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..envelope import BitrixError

BASIC = "basic"  # batch, app.info, profile: allowed with any token


@dataclass
class Method:
    name: str
    scope: str
    run: Callable


@dataclass
class Call:
    """Who is calling: the portal, the acting user and the scopes granted (None = webhook, all)."""

    portal: object
    user_id: int
    scopes: frozenset | None
    in_batch: bool = False


METHODS: dict[str, Method] = {}


def method(name: str, scope: str):
    """Register ``run(call, params)`` as REST method ``name`` needing ``scope``."""
    def register(run):
        METHODS[name] = Method(name, scope, run)
        return run
    return register


def invoke(call: Call, name: str, params: dict):
    """Run one method for ``call``; raises ``BitrixError`` as the portal would answer."""
    found = METHODS.get(name)
    if found is None:
        raise BitrixError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
    if call.scopes is not None and found.scope != BASIC and found.scope not in call.scopes:
        raise BitrixError(call.portal.scope_error_status, "insufficient_scope",
                          "The request requires higher privileges than provided by the access token")
    if name == "batch":
        return found.run(call, params)  # not counted itself: its commands count against their methods
    operating = call.portal.operating
    operating.check(name)
    # This thread's CPU time, not wall time: the fake serves concurrent requests in one process under
    # the GIL, where wall time would charge each request with the work of all the others.
    began = time.thread_time()
    try:
        return found.run(call, params)
    finally:
        operating.add(name, time.thread_time() - began)
