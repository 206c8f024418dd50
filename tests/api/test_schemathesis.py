"""Property-based conformance: every operation of the served spec, every default check.

The caller is a connected account with rows in every list and a rule for quiz 1, so the
generated requests reach real handlers and real data rather than stopping at 404.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.crm import CONTACT_DATA
from service.crm import ENTITY_IDS as ENTITIES
from service.oauth_state import StateSigner
from storage import db
from tests import factories
from tests.conftest import TEST_SECRET_KEY, make_token


@schemathesis.auth(refresh_interval=None)
class BearerToken:
    def get(self, case, context):
        # All operations share one fixture: deleting account-1 would turn the rest into 404s.
        return make_token("account-2" if case.method == "DELETE" else "account-1")

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def api_schema(app, connected):
    member_id = connected()
    connected("account-2", member_id=member_id)
    factories.users(member_id, 30)
    factories.pipelines(member_id)
    factories.steps(member_id)
    factories.fields(member_id)
    factories.rule(member_id, 1)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


def _with_issued_state(case):
    """A schema-valid callback carries a state we issued: no schema can say "signed by us"."""
    meta = getattr(case, "_meta", None)
    positive = meta is not None and meta.generation.mode == "positive"
    if case.path == "/webhook/create" and positive and isinstance(case.query, dict) and "state" in case.query:
        with db.connection():
            state = StateSigner(TEST_SECRET_KEY).issue("account-1", "https://portal.bitrix24.ru")
        case.query = {**case.query, "state": state}


def _with_valid_references(case):
    """A schema-valid rule names things the portal has: the schema cannot know which they are."""
    meta = getattr(case, "_meta", None)
    if not (case.path == "/bitrix/rules/{quizID}" and meta is not None and meta.generation.mode == "positive"
            and isinstance(case.body, dict)):
        return
    body = dict(case.body)
    body.update(PerformerID="1", PipelineID=0, StageID="NEW", TypeID="SALE", SourceID="WEB", StatusID="NEW")
    fields_rule = {}
    for entity, maps in (body.get("FieldsRule") or {}).items():
        field = factories.FIELDS[entity][1]
        fields_rule[entity] = {
            name: ({str(n): field for n in range(1, len(pairs) + 1)} if name == "QuestionID"
                   else dict(zip(sorted(CONTACT_DATA), ["NAME"] * len(pairs), strict=False)))
            for name, pairs in maps.items()}
    body["FieldsRule"] = fields_rule
    body["TagsToAdd"] = dict(zip(ENTITIES, (body.get("TagsToAdd") or {}).values(), strict=False))
    case.body = body


def _with_question_ids(case):
    """Answers of a schema-valid result are keyed by question ids (positive integers)."""
    meta = getattr(case, "_meta", None)
    if (case.path == "/bitrix/results" and case.method == "POST" and meta is not None
            and meta.generation.mode == "positive" and isinstance(case.body, dict)):
        answers = case.body.get("answers")
        if isinstance(answers, dict):
            case.body = {**case.body, "answers": {str(n): v for n, v in enumerate(answers.values(), start=1)}}


@schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_operation_conforms(case):
    _with_issued_state(case)
    _with_valid_references(case)
    _with_question_ids(case)
    case.call_and_validate()
