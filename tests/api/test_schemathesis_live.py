"""Property-based conformance through a real server process (uvicorn, as `make run` serves it).

The in-process run (test_schemathesis.py) cannot see what only a server shows: middleware under
a real ASGI scope, the server's own answers, headers on the wire. Fewer examples per operation
than in process: this run is for what the process adds, the other for the handlers.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.api.conformance import make_valid, seed_portal


@pytest.fixture
def live_schema(server, connected):
    seed_portal(connected)
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("live_schema")


@schema.parametrize()
@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_operation_conforms_through_a_server_process(case, server):
    make_valid(case)
    case.call_and_validate()
    assert "Traceback" not in server.log()
