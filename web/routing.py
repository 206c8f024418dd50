"""From an operation of the spec to the handler that serves it."""
import inspect

from connexion.resolver import Resolver

from storage import db


class ConnectionResolver(Resolver):
    """Resolves operationIds to handlers, each run inside its own database connection."""

    def resolve_function_from_operation_id(self, operation_id):
        handler = super().resolve_function_from_operation_id(operation_id)
        # Connexion's AsyncApp rebuilds its decorators, and so inspects the handler, on every request.
        handler.__signature__ = inspect.signature(handler)
        return db.with_connection(handler)
