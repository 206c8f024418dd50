"""Operations are named for clients and routed to handlers by Connexion, with no route table."""
import importlib
import inspect

import pytest
import yaml

from web.routing import handler_name
from web.served_spec import SPEC_FILE

METHODS = ("get", "put", "post", "delete", "patch")


def operations() -> list[tuple[str, str, dict]]:
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    return [(method, path, operation) for path, item in spec["paths"].items()
            for method, operation in item.items() if method in METHODS]


@pytest.mark.parametrize("name,expected", [("listUsers", "list_users"), ("oauthCallback", "oauth_callback"),
                                           ("live", "live"), ("metricsPage", "metrics_page")])
def test_handler_name_is_the_snake_case_of_the_api_name(name, expected):
    assert handler_name(name) == expected


def test_every_operation_has_an_api_name_and_a_handler():
    names = []
    for method, path, operation in operations():
        name, module = operation["operationId"], operation["x-openapi-router-controller"]
        assert name[0].islower() and name.isalnum(), f"{method} {path}: {name!r} is not an API name"
        assert callable(getattr(importlib.import_module(module), handler_name(name), None)), f"{method} {path}"
        names.append(name)
    assert len(names) == len(set(names))


def test_every_handler_serves_exactly_one_operation():
    served = {}
    for _method, _path, operation in operations():
        module = operation["x-openapi-router-controller"]
        served.setdefault(module, []).append(handler_name(operation["operationId"]))
    for module, names in served.items():
        functions = [name for name, function in inspect.getmembers(importlib.import_module(module), inspect.isfunction)
                     if function.__module__ == module and not name.startswith("_")]
        assert sorted(names) == sorted(functions), module



def test_a_handler_is_wrapped_once_not_on_every_request(client, connected, monkeypatch):
    """web/decorated_once.py: Connexion's per-request wrapping of handlers stays switched off."""
    from connexion.decorators.main import BaseDecorator

    from tests.conftest import auth
    wrapped = []
    decorate = BaseDecorator.decorate
    monkeypatch.setattr(BaseDecorator, "decorate", lambda self, function: wrapped.append(function) or
                        decorate(self, function))
    connected()
    answers = [client.get("/bitrix/users", headers=auth()).status_code for _ in range(3)]
    assert answers == [200] * 3
    assert len(wrapped) <= 1
