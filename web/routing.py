"""From an operationId to the handler that serves it, inside a database connection."""
import functools
import inspect

from connexion.resolver import Resolver

from storage import db


class HandlerResolver(Resolver):
    """Resolves operationIds to handlers, binding the application context to those that take `ctx`."""

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx

    def resolve_function_from_operation_id(self, operation_id):
        handler = super().resolve_function_from_operation_id(operation_id)
        if "ctx" in inspect.signature(handler).parameters:
            handler = functools.partial(handler, self.ctx)
        wrapped = db.with_connection(handler)
        # Connexion's AsyncApp inspects the handler on every request; a stored signature is read, not rebuilt.
        wrapped.__signature__ = inspect.signature(handler)
        return wrapped
