"""What schemathesis needs to reach real handlers: a token, and the facts no schema can state.

Shared by the in-process run (one operation at a time) and the stateful run (following links).
"""
import re

import schemathesis

from service.crm import CONTACT_DATA
from service.crm import ENTITY_IDS as ENTITIES
from service.oauth_state import StateSigner
from storage import db
from storage.models import MODELS
from tests import factories
from tests.conftest import TEST_SECRET_KEY, make_token


@schemathesis.auth(refresh_interval=None)
class BearerToken:
    def get(self, case, context):
        # All operations share one fixture: deleting account-1 would turn the rest into 404s.
        return make_token("account-2" if case.method == "DELETE" else "account-1")

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def seed_portal(connected) -> str:
    """account-1 and account-2 on one portal with rows in every list and a rule for quiz 1."""
    member_id = connected()
    connected("account-2", member_id=member_id)
    factories.users(member_id, 30)
    factories.pipelines(member_id)
    factories.steps(member_id)
    factories.fields(member_id)
    factories.rule(member_id, 1)
    return member_id


def reseed_portal(connected) -> str:
    """An empty database, then `seed_portal`: each stateful sequence starts from the same state."""
    with db.connection():
        for model in reversed(MODELS):
            model.delete().execute()
    return seed_portal(connected)


def _positive(case) -> bool:
    meta = getattr(case, "_meta", None)
    return meta is not None and meta.generation.mode == "positive"


def _with_issued_state(case):
    """A schema-valid callback carries a state we issued: no schema can say "signed by us"."""
    if case.path == "/webhook/create" and _positive(case) and isinstance(case.query, dict) and "state" in case.query:
        with db.connection():
            state = StateSigner(TEST_SECRET_KEY).issue("account-1", "https://portal.bitrix24.ru")
        case.query = {**case.query, "state": state}


def _with_valid_references(case):
    """A schema-valid rule names things the portal has: the schema cannot know which they are."""
    if not (case.path == "/bitrix/rules/{quizID}" and _positive(case) and isinstance(case.body, dict)):
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


def _with_ruled_quiz_and_question_ids(case):
    """A schema-valid result is for a quiz with a rule, and its answers are keyed by question ids."""
    if case.path == "/bitrix/results" and case.method == "POST" and _positive(case) and isinstance(case.body, dict):
        answers = case.body.get("answers")
        if isinstance(answers, dict):
            answers = {str(n): v for n, v in enumerate(answers.values(), start=1)}
        case.body = {**case.body, "quizID": 1, **({"answers": answers} if answers is not None else {})}


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value):
    if isinstance(value, str):
        return _UNSTORABLE.sub("?", value)
    if isinstance(value, dict):
        return {_storable(key): _storable(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_storable(child) for child in value]
    return value


def _with_storable_text(case):
    """Schema-valid text holds no NUL and no lone surrogate: no schema can say it, no database stores them."""
    if _positive(case) and isinstance(case.body, dict | list):
        case.body = _storable(case.body)
    if _positive(case) and isinstance(case.query, dict):
        case.query = _storable(case.query)


def make_valid(case) -> None:
    """Give a schema-valid case what only the server's data makes valid."""
    _with_storable_text(case)
    _with_issued_state(case)
    _with_valid_references(case)
    _with_ruled_quiz_and_question_ids(case)
