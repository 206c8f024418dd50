"""Rules per quiz: validated against the synced portal, round-tripped, one per quiz."""
import copy
import threading

import pytest

from errors import Conflict
from service import rules
from storage import db
from storage.models import Step
from tests import factories
from tests.conftest import auth

DEAL_RULE = {
    "PerformerID": "1", "PipelineID": 3, "TypeID": "SALE", "StageID": "C3:NEW", "SourceID": "WEB",
    "StatusID": "", "LeadFlag": False,
    "FieldsRule": {
        "deal": {"QuestionID": {"11": "UF_CRM_1700000000"}},
        "lead": {"QuestionID": {}},
        "company": {"QuestionID": {"12": "UF_CRM_1700000003"}},
        "contact": {"ContactRuleMap": {"name": "NAME", "phone": "PHONE", "email": "EMAIL",
                                       "city": "UF_CRM_1700000002"},
                    "QuestionID": {"13": "UF_CRM_1700000002"}},
    },
    "TagsToAdd": {"deal": ["квиз", "лето-2026"], "contact": []},
}
LEAD_RULE = {"PerformerID": "2", "PipelineID": 0, "TypeID": "", "StageID": "", "SourceID": "WEB",
             "StatusID": "NEW", "LeadFlag": True, "TagsToAdd": {},
             "FieldsRule": {"lead": {"QuestionID": {"1": "UF_CRM_1700000001"}}}}


@pytest.fixture
def portal(connected):
    member_id = connected()
    factories.users(member_id, 3)
    factories.pipelines(member_id)
    factories.steps(member_id)
    factories.fields(member_id)
    return member_id


def post(client, body, quiz=7, account="account-1"):
    return client.post(f"/bitrix/rules/{quiz}", json=body, headers=auth(account))


def with_changes(**changes):
    body = copy.deepcopy(DEAL_RULE)
    body.update(changes)
    return body


def test_round_trip_of_a_full_deal_rule(client, portal):
    created = post(client, DEAL_RULE)
    assert created.status_code == 200, created.text
    got = client.get("/bitrix/rules/7", headers=auth()).json()
    extra = {"ID", "accountID", "QuizID", "CreatedAt", "Deleted"}
    assert {k: v for k, v in got.items() if k not in extra} == DEAL_RULE
    assert (got["QuizID"], got["accountID"], got["Deleted"]) == (7, portal, False)
    assert got == created.json()


def test_lead_rule_needs_no_deal_fields(client, portal):
    assert post(client, LEAD_RULE).status_code == 200


@pytest.mark.parametrize("changes,status,names", [
    ({"PerformerID": "999"}, 404, "PerformerID"),
    ({"PipelineID": 42}, 404, "PipelineID"),
    ({"StageID": "NEW"}, 404, "StageID"),  # a stage of another pipeline
    ({"TypeID": "NOPE"}, 404, "TypeID"),
    ({"TypeID": ""}, 404, "TypeID"),
    ({"SourceID": "PHONE"}, 404, "SourceID"),
    ({"FieldsRule": {"deal": {"QuestionID": {"1": "UF_CRM_1700000001"}}}}, 404, "FieldsRule.deal"),
    ({"FieldsRule": {"deal": {"QuestionID": {"q1": "UF_CRM_1700000000"}}}}, 400, "deal.QuestionID"),
    ({"FieldsRule": {"deal": {"QuestionID": {"0": "UF_CRM_1700000000"}}}}, 400, "deal.QuestionID"),
    ({"FieldsRule": {"contact": {"ContactRuleMap": {"shoeSize": "NAME"}}}}, 400, "ContactRuleMap"),
    ({"FieldsRule": {"contact": {"ContactRuleMap": {"name": "UF_CRM_404"}}}}, 404, "FieldsRule.contact"),
    ({"FieldsRule": {"opportunity": {"QuestionID": {}}}}, 400, "opportunity"),
    ({"TagsToAdd": {"invoice": ["x"]}}, 400, "TagsToAdd"),
    ({"TagsToAdd": {"deal": [""]}}, 400, "TagsToAdd"),
    ({"TagsToAdd": {"deal": ["x" * 65]}}, 400, "TagsToAdd"),
    ({"PerformerID": ""}, 400, "PerformerID"),
    ({"PipelineID": -1}, 400, "PipelineID"),
    ({"LeadFlag": "yes"}, 400, "LeadFlag"),
])
def test_each_invalid_rule_is_refused_naming_the_field(client, portal, changes, status, names):
    response = post(client, with_changes(**changes))
    assert response.status_code == status, response.text
    assert names in response.json()
    assert client.get("/bitrix/rules/7", headers=auth()).status_code == 404


def test_lead_rule_checks_its_status(client, portal):
    response = post(client, {**LEAD_RULE, "StatusID": "WON"})
    assert response.status_code == 404 and "StatusID" in response.json()


def test_missing_required_property_is_400(client, portal):
    body = with_changes()
    del body["LeadFlag"]
    response = post(client, body)
    assert response.status_code == 400 and "LeadFlag" in response.json()


def test_second_post_is_409_and_keeps_the_first(client, portal):
    post(client, DEAL_RULE)
    response = post(client, LEAD_RULE)
    assert response.status_code == 409 and "PATCH" in response.json()
    assert client.get("/bitrix/rules/7", headers=auth()).json()["LeadFlag"] is False


def test_concurrent_posts_for_one_quiz_one_wins(portal):
    outcomes = []

    def create():
        with db.connection():
            try:
                rules.create("account-1", 9, DEAL_RULE)
                outcomes.append("created")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=create) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 19 + ["created"]


def test_patch_replaces_the_rule(client, portal):
    post(client, DEAL_RULE)
    response = client.patch("/bitrix/rules/7", json=LEAD_RULE, headers=auth())
    assert response.status_code == 200
    got = client.get("/bitrix/rules/7", headers=auth()).json()
    assert got["LeadFlag"] is True and got["FieldsRule"] == LEAD_RULE["FieldsRule"] and got["TagsToAdd"] == {}


def test_patch_of_a_missing_rule_is_404(client, portal):
    response = client.patch("/bitrix/rules/8", json=DEAL_RULE, headers=auth())
    assert response.status_code == 404 and response.json() == "rule not found"


def test_invalid_patch_changes_nothing(client, portal):
    post(client, DEAL_RULE)
    response = client.patch("/bitrix/rules/7", json=with_changes(StageID="GONE"), headers=auth())
    assert response.status_code == 404
    assert client.get("/bitrix/rules/7", headers=auth()).json()["StageID"] == "C3:NEW"


def test_delete_then_create_again(client, portal):
    post(client, DEAL_RULE)
    assert client.delete("/bitrix/rules/7", headers=auth()).status_code == 200
    assert client.get("/bitrix/rules/7", headers=auth()).status_code == 404
    assert client.delete("/bitrix/rules/7", headers=auth()).status_code == 404
    assert post(client, LEAD_RULE).status_code == 200


def test_other_accounts_neither_see_nor_change_the_rule(client, portal, connected):
    other = connected("account-2")
    factories.users(other, 3)
    factories.pipelines(other)
    factories.steps(other)
    factories.fields(other)
    post(client, DEAL_RULE, quiz=7)
    assert client.get("/bitrix/rules/7", headers=auth("account-2")).status_code == 404
    assert client.patch("/bitrix/rules/7", json=LEAD_RULE, headers=auth("account-2")).status_code == 404
    assert client.delete("/bitrix/rules/7", headers=auth("account-2")).status_code == 404
    assert post(client, LEAD_RULE, quiz=7, account="account-2").status_code == 200
    assert client.get("/bitrix/rules/7", headers=auth()).json()["LeadFlag"] is False


def test_rules_need_a_connected_portal(client):
    assert post(client, DEAL_RULE).status_code == 404
    assert client.get("/bitrix/rules/7", headers=auth()).status_code == 404


def test_a_deleted_reference_shows_as_a_problem_until_fixed(client, portal):
    post(client, DEAL_RULE)
    with db.connection():
        Step.update(deleted=True).where(Step.member_id == portal, Step.status_id == "C3:NEW").execute()
    got = client.get("/bitrix/rules/7", headers=auth()).json()
    assert got["problems"] == ["StageID: 'C3:NEW' is not a stage of pipeline 3"]
    client.patch("/bitrix/rules/7", json=with_changes(PipelineID=0, StageID="NEW"), headers=auth())
    assert "problems" not in client.get("/bitrix/rules/7", headers=auth()).json()
