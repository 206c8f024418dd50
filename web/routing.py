"""From an operation of the spec to the handler that serves it, by Connexion's own means.

An operationId is the API's name for the operation (`listUsers`: client generators turn it
into SDK function names); `x-openapi-router-controller` names the handler module. The handler
is the module's function of the same name in snake case: `listUsers` in `handlers.users` is
`handlers.users.list_users`. A handler that declares a first parameter `ctx` gets the
application context bound to it. Every handler runs inside its own database connection, and
only with arguments a database can store (`web.storable_text`).
"""
import functools
import inspect
import re

from connexion.exceptions import ResolverError
from connexion.resolver import Resolution, Resolver

from errors import BadRequest
from storage import db
from web.storable_text import RULE, unstorable_field

_API_NAME = re.compile(r"^[a-z][A-Za-z0-9]*$")
_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def handler_name(operation_id: str) -> str:
    """The snake-case function name of a camelCase operationId."""
    return _WORD_START.sub("_", operation_id).lower()


class HandlerResolver(Resolver):
    """Resolves operations to handlers, each run inside its own database connection.

    Connexion (and so the access log and the metrics) keeps the spec's operationId.
    """

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx

    def resolve(self, operation):
        operation_id, module = operation.operation_id, operation.router_controller
        if not (operation_id and _API_NAME.match(operation_id) and module):
            raise ResolverError(f"{operation.method.upper()} {operation.path}: needs a camelCase operationId "
                                "and x-openapi-router-controller")
        handler = self.resolve_function_from_operation_id(f"{module}.{handler_name(operation_id)}")
        return Resolution(handler, operation_id)

    def resolve_function_from_operation_id(self, operation_id):
        handler = super().resolve_function_from_operation_id(operation_id)
        if "ctx" in inspect.signature(handler).parameters:
            handler = functools.partial(handler, self.ctx)
        return db.with_connection(storable_arguments(handler))


def storable_arguments(handler):
    """`handler`, refusing (400, naming the field) text in its arguments that no database can store."""
    @functools.wraps(handler)
    def checked(*args, **kwargs):
        for name, value in kwargs.items():
            field = unstorable_field(value, "" if name == "body" else name)
            if field is not None:
                raise BadRequest(f"{field or 'body'}: {RULE}")
        return handler(*args, **kwargs)
    return checked
