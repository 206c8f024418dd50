"""Rows for tests, written straight to the database."""
from storage import db
from storage.models import Field, Pipeline, PortalUser, Rule, Step
from storage.user_search import with_search_text


def users(member_id, count, start=1, **overrides):
    with db.connection():
        rows = [with_search_text(dict(member_id=member_id, bitrix_id=str(n), name=f"Иван{n}", last_name="Петров",
                                      email=f"user{n}@example.com", departments=[1], work_position="Менеджер",
                                      **overrides)) for n in range(start, start + count)]
        PortalUser.insert_many(rows).execute()


def pipelines(member_id, ids=(0, 3)):
    with db.connection():
        for n in ids:
            Pipeline.create(member_id=member_id, entity_type_id=2, bitrix_id=n, name=f"Воронка {n}")


STEPS = [("DEAL_STAGE", "NEW", "Новая", 0), ("SOURCE", "WEB", "Веб-сайт", None),
         ("DEAL_STAGE_3", "C3:NEW", "Новая", 3), ("DEAL_TYPE", "SALE", "Продажа", None),
         ("STATUS", "NEW", "Не обработан", None)]
# one custom field per entity: (entity, field name)
FIELDS = {"deal": ("CRM_DEAL", "UF_CRM_1700000000"), "lead": ("CRM_LEAD", "UF_CRM_1700000001"),
          "contact": ("CRM_CONTACT", "UF_CRM_1700000002"), "company": ("CRM_COMPANY", "UF_CRM_1700000003")}


def steps(member_id):
    with db.connection():
        for n, (entity, status, name, pipeline) in enumerate(STEPS, start=1):
            Step.create(member_id=member_id, bitrix_id=str(n), entity_id=entity, status_id=status,
                        name=name, name_init=name, color="#39A8EF" if pipeline is not None else "",
                        pipeline_id=pipeline)


def fields(member_id):
    with db.connection():
        for n, (entity, name) in enumerate(FIELDS.values(), start=10):
            Field.create(member_id=member_id, bitrix_id=str(n), entity_id=entity, field_name=name,
                         label="Бюджет", field_type="string", bitrix_type="string")


def rule(member_id, quiz_id, account_id="account-1", **overrides):
    values = dict(member_id=member_id, account_id=account_id, quiz_id=quiz_id, performer_id="1",
                  pipeline_id=0, type_id="SALE", stage_id="NEW", source_id="WEB",
                  fields_rule={"deal": {"QuestionID": {"1": "UF_CRM_1700000000"}}},
                  tags_to_add={"deal": ["квиз"]}, lead_flag=False, status_id="")
    values.update(overrides)
    with db.connection():
        return Rule.create(**values).id
