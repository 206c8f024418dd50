"""What a benchmark case delivers: a connected, synced portal, a rule of it, and numbered results.

Result n carries its own e-mail and phone; an even n the phone of a contact that `known_contacts`
put in the portal beforehand (written the local way, 8 (9xx) ..., to need the normalisation).
"""
from datetime import UTC, datetime

from bitrix_client import TokenSet
from fake_bitrix import FakeBitrix
from service import portal_client, sync
from storage import db
from storage.models import Account

QUIZ = 7


def connect_portal(fake: FakeBitrix, account_id: str, worker):
    """A new portal with real tokens, bound to `account_id` and synced, as after the OAuth callback."""
    portal = fake.add_portal(users=30, seed=1)
    tokens = TokenSet.from_answer(portal.issue_tokens(), now=fake.clock.now())
    with db.connection():
        portal_client.store_tokens(worker.ctx, tokens)
        Account.create(account_id=account_id, portal_url=portal.url, member_id=portal.member_id,
                       subdomain=account_id, connected_at=datetime.now(UTC).replace(tzinfo=None))
        sync.queue(portal.member_id)
    worker.drain(deadline_seconds=120)
    return portal


def rule_for(portal, kind: str) -> dict:
    """A rule of the portal: a lead with a mapped answer, a deal with its contact, or a deal with its
    contact and company ("deal with company")."""
    entity = "lead" if kind == "lead" else "deal"
    def status(entity_id):
        return next(s["STATUS_ID"] for s in portal.data.statuses if s["ENTITY_ID"] == entity_id)

    def string_field(of):
        return next(f["FIELD_NAME"] for f in portal.data.userfields[of] if f["USER_TYPE_ID"] == "string")

    performer = next(u["ID"] for u in portal.data.users if u.get("ACTIVE") is True)
    rule = {"PerformerID": performer, "SourceID": status("SOURCE"), "TagsToAdd": {entity: ["квиз"]},
            "FieldsRule": {entity: {"QuestionID": {"1": string_field(entity)}}}}
    if entity == "lead":
        return {**rule, "LeadFlag": True, "StatusID": status("STATUS"), "PipelineID": 0, "StageID": "",
                "TypeID": ""}
    category = next(c["id"] for c in portal.data.categories[2] if c["id"] != 0)
    rule["FieldsRule"]["contact"] = {"ContactRuleMap": {"name": "NAME", "phone": "PHONE", "email": "EMAIL"}}
    if kind == "deal with company":
        rule["FieldsRule"]["company"] = {"QuestionID": {"2": string_field("company")}}
    return {**rule, "LeadFlag": False, "StatusID": "", "PipelineID": category, "TypeID": status("DEAL_TYPE"),
            "StageID": portal.data.deal_stages(category)[0]["STATUS_ID"]}


def known_contacts(portal, count: int) -> dict:
    """`count` contacts already in the portal, phones written the local way: {n: contact id}."""
    return {n: portal.data.add_entity("contact", {"NAME": f"Known {n}", "PHONE": [
        {"VALUE": f"8 (9{n % 100:02d}) {n // 100:03d}-00-00", "VALUE_TYPE": "MOBILE"}]})
        for n in range(0, 2 * count, 2)}


def result(n: int) -> dict:
    """Result n: even ones carry the phone of known contact n (ignored by a lead rule)."""
    phone = f"+7 9{n % 100:02d} {n // 100:03d}-00-00" if n % 2 == 0 else f"+7 800 {n:07d}"
    return {"quizID": QUIZ, "resultID": f"r-{n}", "answers": {"1": f"answer {n}", "2": f"site {n}"},
            "contact": {"name": f"Person {n}", "phone": phone, "email": f"person{n}@example.com",
                        "company": f"Company {n}"},
            "utm": {"source": "bench"}}
