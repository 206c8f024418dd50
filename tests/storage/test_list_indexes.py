"""Each filter of the lists is served by its own index (migration 0007), not by reading the portal's list.

The plan is asked of the database for the very statement the list runs (caught from Peewee's log),
over a dozen portals of a thousand users each: as in production, one portal is a small part of each
table. PostgreSQL plans by statistics, so the tables are vacuumed and analysed as a settled database's
would be, and sequential scans are switched off for the question: at this size one could still win
on cost, where a real table's would not.
"""
import logging

from storage import db, fields, pipelines, steps, users
from storage.models import Field, Pipeline, Step
from tests import factories

PORTALS = [f"portal-{n}" for n in range(12)]
TYPES = ("string", "integer", "double", "boolean", "datetime", "enumeration", "iblock_section", "iblock_element",
         "employee", "crm_status", "crm", "address", "money", "url", "file", "crm_pena_tag")
ENTITIES = ("CRM_LEAD", "CRM_DEAL", "CRM_CONTACT", "CRM_COMPANY")
DICTIONARIES = ("STATUS", "SOURCE", "DEAL_TYPE", "INDUSTRY", *[f"DEAL_STAGE_{n}" for n in range(1, 17)])
CASES = {
    "portal_user_search": lambda: users.page("portal-3", 1, 25, search="иван Петров"),
    "step_by_entity": lambda: steps.page("portal-3", 1, 25, entity_ids=["SOURCE", "DEAL_TYPE"]),
    "step_by_pipeline": lambda: steps.page("portal-3", 1, 25, pipeline_id=3),
    "pipeline_by_entity_type": lambda: pipelines.page("portal-3", 1, 25, entity_type_ids=[31]),
    "field_by_entity": lambda: fields.page("portal-3", 1, 25, entity_ids=["CRM_LEAD"], field_types=["string"]),
    "field_by_type": lambda: fields.page("portal-3", 1, 25, field_types=["string", "money"]),
}


def fill(member_id: str) -> None:
    for start in range(1, 1001, 500):
        factories.users(member_id, 500, start=start)
    with db.connection():
        Field.insert_many([dict(member_id=member_id, bitrix_id=str(n), entity_id=ENTITIES[n % 4],
                                field_name=f"UF_CRM_{n}", field_type=TYPES[n // 4 % 16], bitrix_type="string")
                           for n in range(800)]).execute()
        Step.insert_many([dict(member_id=member_id, bitrix_id=str(n), entity_id=DICTIONARIES[n % 20],
                               status_id=f"S{n}", sort=10 * n, pipeline_id=(n % 20 - 3) if n % 20 > 3 else None)
                          for n in range(400)]).execute()
        Pipeline.insert_many([dict(member_id=member_id, entity_type_id=(2, 3, 4, 31)[n % 4], bitrix_id=n)
                              for n in range(200)]).execute()


def statement(caplog, run) -> tuple:
    """The SQL (with its parameters) of the page `run` reads: the one with the window count."""
    with caplog.at_level(logging.DEBUG, logger="peewee"), db.connection():
        caplog.clear()
        run()
    [found] = [record.msg for record in caplog.records
               if record.name == "peewee" and isinstance(record.msg, tuple) and "OVER" in record.msg[0]]
    return found


def plan(sql: str, params) -> str:
    with db.connection():
        if not db.is_postgres():
            return "\n".join(row[-1] for row in db.database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        with db.transaction():
            db.database.execute_sql("SET LOCAL enable_seqscan = off")
            return "\n".join(row[0] for row in db.database.execute_sql("EXPLAIN " + sql, params))


def test_each_filtered_page_is_one_scan_of_its_index(database_url, caplog):
    for member_id in PORTALS:
        fill(member_id)
    if db.is_postgres():
        with db.connection():
            db.database.execute_sql("VACUUM ANALYZE portal_user, step, field, pipeline")
    plans = {index: plan(*statement(caplog, run)) for index, run in CASES.items()}
    assert {index: index in explained for index, explained in plans.items()} == dict.fromkeys(CASES, True), plans
