"""Rows for tests, written straight to the database."""
from storage import db
from storage.models import Field, Pipeline, PortalUser, Rule, Step


def users(member_id, count, start=1, **overrides):
    with db.database.connection_context():
        rows = [dict(member_id=member_id, bitrix_id=str(n), name=f"Иван{n}", last_name="Петров",
                     email=f"user{n}@example.com", departments=[1], work_position="Менеджер",
                     **overrides) for n in range(start, start + count)]
        PortalUser.insert_many(rows).execute()


def pipelines(member_id, ids=(0, 3)):
    with db.database.connection_context():
        for n in ids:
            Pipeline.create(member_id=member_id, entity_type_id=2, bitrix_id=n, name=f"Воронка {n}")


def steps(member_id):
    with db.database.connection_context():
        Step.create(member_id=member_id, bitrix_id="1", entity_id="DEAL_STAGE", status_id="NEW",
                    name="Новая", name_init="Новая", color="#39A8EF", pipeline_id=0)
        Step.create(member_id=member_id, bitrix_id="2", entity_id="SOURCE", status_id="WEB",
                    name="Веб-сайт", name_init="Веб-сайт")


def fields(member_id):
    with db.database.connection_context():
        Field.create(member_id=member_id, bitrix_id="10", entity_id="CRM_DEAL",
                     field_name="UF_CRM_1700000000", label="Бюджет", field_type="money",
                     bitrix_type="money")


def rule(member_id, quiz_id, account_id="account-1", **overrides):
    values = dict(member_id=member_id, account_id=account_id, quiz_id=quiz_id, performer_id="1",
                  pipeline_id=0, type_id="SALE", stage_id="NEW", source_id="WEB",
                  fields_rule={"deal": {"QuestionID": {"1": "UF_CRM_1700000000"}}},
                  tags_to_add={"deal": ["квиз"]}, lead_flag=False, status_id="")
    values.update(overrides)
    with db.database.connection_context():
        return Rule.create(**values).id
