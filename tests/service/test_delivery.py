"""Delivering quiz results into the fake Bitrix24: what appears there, once, whatever goes wrong."""

import logging

from storage import db
from tests.conftest import auth
from tests.service.delivery_cases import PHONE, deal_rule, deliver, field, lead_rule, result, setup_rule


def test_lead_rule_end_to_end(portal, worker, client):
    rule = lead_rule(portal)
    setup_rule(client, rule)
    record = deliver(client, worker, result())
    assert record["status"] == "delivered" and record["problems"] == [], record
    lead = portal.data.entities["lead"][record["leadID"]]
    assert lead["TITLE"] == "Заявка из квиза" and lead["NAME"] == "Анна"
    assert lead["PHONE"][0]["VALUE"] == "+79161234567" and lead["EMAIL"][0]["VALUE"] == "anna@example.com"
    assert (lead["STATUS_ID"], lead["SOURCE_ID"]) == (rule["StatusID"], rule["SourceID"])
    assert lead["ASSIGNED_BY_ID"] == rule["PerformerID"]
    assert (lead["UTM_SOURCE"], lead["UTM_MEDIUM"], lead["UTM_CAMPAIGN"]) == ("yandex", "cpc", "spring")
    mapped = rule["FieldsRule"]["lead"]["QuestionID"]
    enum = field(portal, "lead", "enumeration")
    expected_item = next(i["ID"] for i in enum["LIST"] if i["VALUE"] == "Квиз")
    assert str(expected_item) in str(lead[mapped["1"]])
    assert str(lead[mapped["2"]]) == "12" and str(lead[mapped["3"]]) == "1"
    assert str(lead[mapped["4"]]).startswith("2026-06-05")
    assert lead[mapped["5"]] == "один, два" and str(lead[mapped["6"]]) == "2.5"
    assert "квиз" in str(lead["UF_CRM_PENA_TAG"]) and "весна" in str(lead["UF_CRM_PENA_TAG"])
    assert lead["ORIGIN_ID"].startswith("quiz-result-")


def test_deal_rule_creates_contact_company_and_deal(portal, worker, client):
    rule = deal_rule(portal, company=True)
    setup_rule(client, rule)
    portal.reset_stats()
    record = deliver(client, worker, result(answers={"1": "большой дом", "2": "вечером", "3": "https://a.example"},
                                            contact={"name": "Пётр", "phone": PHONE, "company": "ООО Ромашка"}))
    assert record["status"] == "delivered", record
    deal = portal.data.entities["deal"][record["dealID"]]
    contact = portal.data.entities["contact"][record["contactID"]]
    company = portal.data.entities["company"][record["companyID"]]
    assert (deal["CATEGORY_ID"], deal["STAGE_ID"], deal["TYPE_ID"]) == (
        str(rule["PipelineID"]), rule["StageID"], rule["TypeID"])
    assert str(record["contactID"]) in str(deal["CONTACT_IDS"]) and deal["COMPANY_ID"] == str(record["companyID"])
    assert contact["NAME"] == "Пётр" and contact["PHONE"][0]["VALUE"] == "+79161234567"
    assert contact[rule["FieldsRule"]["contact"]["QuestionID"]["2"]] == "вечером"
    assert company["TITLE"] == "ООО Ромашка"
    assert deal[rule["FieldsRule"]["deal"]["QuestionID"]["1"]] == "большой дом"
    assert portal.stats["requests"] <= 2  # one batch of look-ups, one of writes


def test_existing_contact_is_found_by_a_differently_written_phone(portal, worker, client):
    existing = portal.data.add_entity("contact", {"NAME": "Анна", "PHONE": [{"VALUE": "8 (916) 123-45-67",
                                                                             "VALUE_TYPE": "MOBILE"}]})
    setup_rule(client, deal_rule(portal))
    record = deliver(client, worker, result())
    assert record["contactID"] == existing and len(portal.data.entities["contact"]) == 1


def test_answers_that_cannot_be_converted_are_reported_not_sent(portal, worker, client):
    rule = lead_rule(portal)
    setup_rule(client, rule)
    record = deliver(client, worker, result(answers={"1": "Не из списка", "2": "двенадцать", "3": "может быть",
                                                     "4": "вчера", "5": "ок"}))
    assert record["status"] == "delivered"
    assert len(record["problems"]) == 4, record["problems"]
    lead = portal.data.entities["lead"][record["leadID"]]
    mapped = rule["FieldsRule"]["lead"]["QuestionID"]
    assert not any(lead.get(mapped[q]) for q in ("1", "2", "3", "4"))
    assert lead[mapped["5"]] == "ок"


def test_same_result_twice_creates_once(portal, worker, client):
    setup_rule(client, lead_rule(portal))
    first = client.post("/bitrix/results", json=result(), headers=auth())
    second = client.post("/bitrix/results", json=result(), headers=auth())
    assert (first.status_code, second.status_code) == (202, 200)
    worker.drain()
    assert len(portal.data.entities["lead"]) == 1


def test_timeout_after_the_deal_was_created_makes_no_second_deal(portal, worker, client):
    setup_rule(client, deal_rule(portal))
    # No phone or e-mail: nothing to look up, so the first batch is the one that creates.
    portal.fail("batch", times=1, status=None, delay=2.0, after_effect=True)
    client.post("/bitrix/results", json=result(contact={"name": "Анна"}), headers=auth())
    worker.drain()
    record = client.get("/bitrix/results/r-1", headers=auth()).json()
    assert record["status"] == "delivered" and record["attempts"] >= 2, record
    assert len(portal.data.entities["deal"]) == 1 and len(portal.data.entities["contact"]) == 1


def test_rate_limits_and_server_errors_are_waited_out(portal, worker, client):
    setup_rule(client, lead_rule(portal))
    portal.fail("batch", times=4, status=500, error="INTERNAL_SERVER_ERROR")
    portal.set_limits(bucket=2, drain=20.0)
    for n in range(5):
        client.post("/bitrix/results", json=result(f"r-{n}"), headers=auth())
    for _ in range(10):
        worker.drain()
    log = client.get("/bitrix/results?size=10", headers=auth()).json()
    assert {item["status"] for item in log["items"]} == {"delivered"}
    assert len(portal.data.entities["lead"]) == 5


def test_stale_portal_holds_deliveries_until_reconnected(portal, worker, client, fake_bitrix, fake_ctx):
    setup_rule(client, lead_rule(portal))
    portal.revoke()
    fake_bitrix.clock.advance(3700)
    client.post("/bitrix/results", json=result(), headers=auth())
    worker.drain()
    assert client.get("/bitrix/results/r-1", headers=auth()).json()["status"] == "held"
    assert portal.data.entities["lead"] == {}

    from service import connection
    with db.connection():
        answer = connection.start(fake_ctx, "account-1", portal.url)
        params = portal.approve(answer["authURL"].split("state=")[1])
        connection.complete(fake_ctx, params["code"], params["state"], params["member_id"], params["domain"],
                            params["server_domain"])
    worker.drain()
    record = client.get("/bitrix/results/r-1", headers=auth()).json()
    assert record["status"] == "delivered" and len(portal.data.entities["lead"]) == 1


def test_failed_delivery_can_be_retried(portal, worker, client):
    setup_rule(client, lead_rule(portal))
    portal.fail("crm.lead.add", times=1, status=400, error="", description="Access denied.")
    record = deliver(client, worker, result())
    assert record["status"] == "failed" and "Access denied" in record["lastError"]
    assert client.post("/bitrix/results/r-2/retry", headers=auth()).status_code == 404
    response = client.post("/bitrix/results/r-1/retry", headers=auth())
    assert response.status_code == 202 and response.json()["status"] == "queued"
    worker.drain()
    assert client.get("/bitrix/results/r-1", headers=auth()).json()["status"] == "delivered"
    assert client.post("/bitrix/results/r-1/retry", headers=auth()).status_code == 409


def test_no_rule_or_no_portal_is_404_and_stores_nothing(portal, client):
    response = client.post("/bitrix/results", json=result(quiz=99), headers=auth())
    assert response.status_code == 404
    assert client.post("/bitrix/results", json=result(), headers=auth("stranger")).status_code == 404
    assert client.get("/bitrix/results", headers=auth()).json()["count"] == 0


def test_the_log_is_per_account(portal, worker, client, connected):
    setup_rule(client, lead_rule(portal))
    connected("account-2", member_id=portal.member_id)
    client.post("/bitrix/results", json=result("mine"), headers=auth())
    assert client.get("/bitrix/results", headers=auth("account-2")).json()["count"] == 0
    assert client.get("/bitrix/results/mine", headers=auth("account-2")).status_code == 404
    log = client.get("/bitrix/results?status=queued&quizID=7", headers=auth()).json()
    assert [item["resultID"] for item in log["items"]] == ["mine"]


def test_logs_hold_no_tokens_secrets_or_personal_data(portal, worker, client, caplog, fake_bitrix, fake_ctx):
    from storage import portals
    setup_rule(client, deal_rule(portal))
    fake_bitrix.clock.advance(3700)  # a refresh happens on the way, too
    with caplog.at_level(logging.DEBUG):
        client.post("/bitrix/results", json=result(contact={"name": "Анна", "phone": PHONE,
                                                            "email": "anna.secret@example.com"}), headers=auth())
        worker.drain()
    with db.connection():
        stored = portals.load_tokens(fake_ctx.cipher, portal.member_id)
    ours = [r for r in caplog.records if not r.name.startswith(("fake_bitrix", "httpx", "urllib3"))]
    text = "\n".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in ours)
    assert "delivery" in text or "job" in text  # the lines were captured at all
    for secret in (stored.access_token, stored.refresh_token, fake_bitrix.client_secret, "9161234567",
                   "anna.secret@example.com", "Анна"):
        assert secret not in text


def test_one_new_person_twice_in_the_queue_makes_one_contact(portal, worker, client):
    setup_rule(client, deal_rule(portal))
    for n in range(2):
        client.post("/bitrix/results", json=result(f"r-{n}"), headers=auth())
    worker.drain()
    records = [client.get(f"/bitrix/results/r-{n}", headers=auth()).json() for n in range(2)]
    assert [len(portal.data.entities[kind]) for kind in ("deal", "contact")] == [2, 1]
    contact = records[0]["contactID"]
    for record in records:
        assert record["status"] == "delivered" and record["contactID"] == contact, record
        assert str(contact) in portal.data.entities["deal"][record["dealID"]]["CONTACT_IDS"]


def test_queued_deals_with_companies_pack_into_few_requests(portal, worker, client):
    setup_rule(client, deal_rule(portal, company=True))
    for n in range(50):
        person = {"name": f"Клиент {n}", "phone": f"+7 900 000-{n:02d}-00", "email": f"c{n}@example.com",
                  "company": f"ООО {n}"}
        client.post("/bitrix/results", json=result(f"q-{n}", contact=person, answers={"3": "https://x.example"}),
                    headers=auth())
    portal.reset_stats()
    worker.drain()
    # two batches of look-ups (100), two of contacts and companies (100), one of deals (50)
    assert portal.stats["requests"] == 5
    assert [len(portal.data.entities[kind]) for kind in ("deal", "contact", "company")] == [50, 50, 50]
    for deal in portal.data.entities["deal"].values():
        contact = portal.data.entities["contact"][int(str(deal["CONTACT_IDS"]).strip("[]'\" "))]
        company = portal.data.entities["company"][int(deal["COMPANY_ID"])]
        assert contact["ORIGIN_ID"] == company["ORIGIN_ID"] == deal["ORIGIN_ID"]
