"""Property-based conformance: every operation of the served spec, every default check.

The caller is a connected account with rows in every list and a rule for quiz 1, so the
generated requests reach real handlers and real data rather than stopping at 404.
Operations that still document 501 (their behaviour arrives with a later issue) are left out:
a 5xx is a failure by definition.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests import factories
from tests.conftest import make_token


@schemathesis.auth()
class BearerToken:
    def get(self, case, context):
        return make_token()

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def api_schema(app, connected):
    member_id = connected()
    factories.users(member_id, 30)
    factories.pipelines(member_id)
    factories.steps(member_id)
    factories.fields(member_id)
    factories.rule(member_id, 1)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _not_implemented_yet(ctx):
    return "501" in ctx.operation.definition.raw.get("responses", {})


schema = schemathesis.pytest.from_fixture("api_schema").exclude(func=_not_implemented_yet)


@schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_operation_conforms(case):
    case.call_and_validate()
