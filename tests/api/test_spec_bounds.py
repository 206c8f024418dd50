"""The bounds the spec states are the server's: the largest valid result is taken and is small,
one step past any bound is a 400 naming the field, and the closed key sets are the server's."""
import json

import pytest
import yaml

from service.crm import CONTACT_DATA
from service.crm import ENTITY_IDS as ENTITIES
from tests import factories
from tests.conftest import auth
from web.served_spec import SPEC_FILE

SCHEMAS = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))["components"]["schemas"]
ONE_MIB = 1024 * 1024


def largest_result() -> dict:
    """A result at every bound the spec states, in Cyrillic (two bytes a character in UTF-8)."""
    answer = {s.get("type"): s for s in SCHEMAS["AnswerValue"]["anyOf"]}
    text = "ж" * answer["string"]["maxLength"]
    choices = ["ж" * answer["array"]["items"]["maxLength"]] * answer["array"]["maxItems"]
    biggest = choices if len("".join(choices)) > len(text) else text
    contact = SCHEMAS["QuizContact"]["properties"]
    utm = SCHEMAS["QuizUtm"]["properties"]
    request = SCHEMAS["QuizResultReq"]["properties"]
    return {"quizID": 1, "resultID": "r" * request["resultID"]["maxLength"],
            "answers": {str(1_000_000_000 + n): biggest for n in range(SCHEMAS["QuizAnswers"]["maxProperties"])},
            "contact": {key: "ж" * schema["maxLength"] for key, schema in contact.items()},
            "utm": {key: "ж" * schema["maxLength"] for key, schema in utm.items()},
            "title": "ж" * request["title"]["maxLength"], "pageURL": "ж" * request["pageURL"]["maxLength"]}


@pytest.fixture
def quiz(connected):
    factories.rule(connected(), 1)


def submit(client, body):
    return client.post("/bitrix/results", json=body, headers=auth())


def test_the_largest_valid_result_is_well_under_a_mebibyte_and_taken(client, quiz):
    body = largest_result()
    assert len(json.dumps(body, ensure_ascii=False).encode()) < ONE_MIB / 4
    # Clients that escape every non-ASCII character (Python's json by default) send six bytes for one.
    assert len(json.dumps(body).encode()) < ONE_MIB * 3 / 4
    response = submit(client, body)
    assert response.status_code == 202, response.text[:300]
    assert client.get(f"/bitrix/results/{body['resultID']}", headers=auth()).json()["quizID"] == 1


def past(path: str, value):
    body = largest_result()
    *parents, last = path.split(".")
    node = body
    for key in parents:
        node = node[key]
    node[last] = value
    return body


@pytest.mark.parametrize("path,value,names", [
    ("answers.9", "x", "answers"),  # one answer more than the spec allows
    ("answers.1000000000", "ж" * 2001, "answers"),
    ("answers.1000000000", ["a"] * 21, "answers"),
    ("answers.1000000000", ["a" * 101], "answers"),
    ("answers.1000000000", 1e16, "answers"),
    ("contact.shoeSize", "42", "contact"),
    ("contact.name", "ж" * 256, "name"),
    ("contact.comment", "ж" * 2001, "comment"),
    ("utm.source", "ж" * 256, "source"),
    ("title", "ж" * 256, "title"),
    ("pageURL", "ж" * 2049, "pageURL"),
])
def test_one_step_past_a_bound_is_400_naming_the_field(client, quiz, path, value, names):
    response = submit(client, past(path, value))
    assert response.status_code == 400 and names in response.json(), response.text[:300]
    assert client.get("/bitrix/results", headers=auth()).json()["count"] == 0


@pytest.mark.parametrize("result_id", [".", ".."])
def test_result_ids_that_a_url_cannot_carry_are_refused(client, quiz, result_id):
    # "/bitrix/results/." is "/bitrix/results/" to every HTTP client: such a result could never be read.
    response = submit(client, {"quizID": 1, "resultID": result_id})
    assert response.status_code == 400 and "resultID" in response.json()


@pytest.mark.parametrize("key", ["0", "-1", "q1", "²", "12345678901", "1.5", "x" * 100_000])
def test_answer_keys_must_be_question_ids_as_the_spec_says(client, quiz, key):
    response = submit(client, {"quizID": 1, "resultID": "r-1", "answers": {key: "да"}})
    assert response.status_code == 400
    assert "answers" in response.json() and "at most 10 digits" in response.json()
    assert len(response.json()) < 200


@pytest.mark.parametrize("key", ["²", "12345678901", "x" * 100_000])
def test_rule_question_keys_follow_the_same_words(client, connected, key):
    member_id = connected()
    factories.users(member_id, 1)
    body = {"PerformerID": "1", "PipelineID": 0, "TypeID": "SALE", "StageID": "NEW", "SourceID": "WEB",
            "StatusID": "", "LeadFlag": False, "TagsToAdd": {},
            "FieldsRule": {"deal": {"QuestionID": {key: "UF_CRM_1700000000"}}}}
    response = client.post("/bitrix/rules/3", json=body, headers=auth())
    assert response.status_code == 400 and "at most 10 digits" in response.json()
    assert len(response.json()) < 200


def test_closed_key_sets_of_the_spec_are_the_servers():
    contact_rule_map = SCHEMAS["BitrixContactRules"]["properties"]["ContactRuleMap"]
    assert set(SCHEMAS["QuizContact"]["properties"]) == set(CONTACT_DATA) == set(contact_rule_map["properties"])
    assert contact_rule_map["maxProperties"] == len(CONTACT_DATA)
    assert set(SCHEMAS["TagsToAdd"]["properties"]) == set(ENTITIES)
    assert SCHEMAS["TagsToAdd"]["maxProperties"] == len(ENTITIES)


def test_rule_maps_hold_as_many_questions_as_a_result_has_answers():
    most = SCHEMAS["QuizAnswers"]["maxProperties"]
    assert SCHEMAS["BitrixFieldRule"]["properties"]["QuestionID"]["maxProperties"] == most
    assert SCHEMAS["BitrixContactRules"]["properties"]["QuestionID"]["maxProperties"] == most

