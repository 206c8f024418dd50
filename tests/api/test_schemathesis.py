"""Property-based conformance: every operation of the served spec, every default check.

The caller is a connected account with rows in every list and a rule for quiz 1, so the
generated requests reach real handlers and real data rather than stopping at 404.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.api.conformance import make_valid, seed_portal


@pytest.fixture
def api_schema(app, connected):
    seed_portal(connected)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_operation_conforms(case):
    make_valid(case)
    case.call_and_validate()
