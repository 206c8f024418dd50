"""Quiz results as the delivery tests send them: a synced fake portal, rules and results."""
from tests.conftest import auth

PHONE = "+7 916 123-45-67"


def field(portal, entity, type_id):
    return next(f for f in portal.data.userfields[entity] if f["USER_TYPE_ID"] == type_id)


def statuses(portal, entity_id):
    return [s for s in portal.data.statuses if s["ENTITY_ID"] == entity_id]


def active_user(portal):
    return next(u for u in portal.data.users if u.get("ACTIVE") is True)


def lead_rule(portal):
    return {"PerformerID": active_user(portal)["ID"], "PipelineID": 0, "TypeID": "", "StageID": "",
            "SourceID": statuses(portal, "SOURCE")[0]["STATUS_ID"], "LeadFlag": True,
            "StatusID": statuses(portal, "STATUS")[0]["STATUS_ID"],
            "FieldsRule": {"lead": {"QuestionID": {
                "1": field(portal, "lead", "enumeration")["FIELD_NAME"],
                "2": field(portal, "lead", "integer")["FIELD_NAME"],
                "3": field(portal, "lead", "boolean")["FIELD_NAME"],
                "4": field(portal, "lead", "date")["FIELD_NAME"],
                "5": field(portal, "lead", "string")["FIELD_NAME"],
                "6": field(portal, "lead", "double")["FIELD_NAME"]}}},
            "TagsToAdd": {"lead": ["квиз", "весна"]}}


def deal_rule(portal, company=False):
    category = next(c for c in portal.data.categories[2] if c["id"] != 0)
    stage = portal.data.deal_stages(category["id"])[0]
    rule = {"PerformerID": active_user(portal)["ID"], "PipelineID": category["id"], "StageID": stage["STATUS_ID"],
            "TypeID": statuses(portal, "DEAL_TYPE")[0]["STATUS_ID"], "LeadFlag": False, "StatusID": "",
            "SourceID": statuses(portal, "SOURCE")[0]["STATUS_ID"],
            "FieldsRule": {"deal": {"QuestionID": {"1": field(portal, "deal", "string")["FIELD_NAME"]}},
                           "contact": {"ContactRuleMap": {"name": "NAME", "phone": "PHONE", "email": "EMAIL"},
                                       "QuestionID": {"2": field(portal, "contact", "string")["FIELD_NAME"]}}},
            "TagsToAdd": {"deal": ["квиз"]}}
    if company:
        rule["FieldsRule"]["company"] = {"QuestionID": {"3": field(portal, "company", "url")["FIELD_NAME"]}}
    return rule


def result(result_id="r-1", quiz=7, **extra):
    body = {"quizID": quiz, "resultID": result_id,
            "answers": {"1": "Квиз", "2": "12", "3": "да", "4": "05.06.2026", "5": ["один", "два"], "6": "2,5"},
            "contact": {"name": "Анна", "phone": PHONE, "email": "Anna@Example.com"},
            "utm": {"source": "yandex", "medium": "cpc", "campaign": "spring"},
            "title": "Заявка из квиза", "pageURL": "https://quiz.example/q/7"}
    body.update(extra)
    return body


def setup_rule(client, rule, quiz=7):
    response = client.post(f"/bitrix/rules/{quiz}", json=rule, headers=auth())
    assert response.status_code == 200, response.text


def deliver(client, worker, body):
    response = client.post("/bitrix/results", json=body, headers=auth())
    assert response.status_code in (200, 202), response.text
    worker.drain()
    return client.get(f"/bitrix/results/{body['resultID']}", headers=auth()).json()
