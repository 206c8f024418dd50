"""Each filter of the lists is served by its own index (migration 0007), not by reading the portal's list.

The plan is asked of the database for the very statement the list runs (caught from Peewee's log). On
PostgreSQL the tables of a test are tiny: they are vacuumed and analysed as a settled database's would
be, and sequential scans (cheapest for a few rows) are switched off for the question, which leaves the
planner choosing among the indexes it could use.
"""
import logging

import pytest

from storage import db, fields, pipelines, steps, users
from tests import factories

PORTAL = "portal-a"
CASES = {
    "portal_user_search": lambda: users.page(PORTAL, 1, 25, search="иван Петров"),
    "step_by_entity": lambda: steps.page(PORTAL, 1, 25, entity_ids=["SOURCE", "DEAL_TYPE"]),
    "step_by_pipeline": lambda: steps.page(PORTAL, 2, 25, pipeline_id=3),
    "pipeline_by_entity_type": lambda: pipelines.page(PORTAL, 1, 25, entity_type_ids=[2]),
    "field_by_entity": lambda: fields.page(PORTAL, 1, 25, entity_ids=["CRM_LEAD"], field_types=["string"]),
    "field_by_type": lambda: fields.page(PORTAL, 1, 25, field_types=["string", "money"]),
}


def statements(caplog, run) -> list:
    """The SQL (with its parameters) that `run` sent to the database."""
    with caplog.at_level(logging.DEBUG, logger="peewee"), db.connection():
        caplog.clear()
        run()
    return [record.msg for record in caplog.records if record.name == "peewee" and isinstance(record.msg, tuple)]


def plan(sql: str, params) -> str:
    with db.connection():
        if not db.is_postgres():
            return "\n".join(row[-1] for row in db.database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        db.database.execute_sql("VACUUM ANALYZE portal_user, step, field, pipeline")
        with db.transaction():
            db.database.execute_sql("SET LOCAL enable_seqscan = off")
            return "\n".join(row[0] for row in db.database.execute_sql("EXPLAIN " + sql, params))


@pytest.mark.parametrize("index", CASES)
def test_a_filtered_page_is_one_scan_of_its_index(database_url, caplog, index):
    for member_id in (PORTAL, "portal-b"):
        factories.users(member_id, 50)
        factories.steps(member_id)
        factories.fields(member_id)
        factories.pipelines(member_id)
    [(sql, params)] = [statement for statement in statements(caplog, CASES[index]) if "OVER" in statement[0]]
    explained = plan(sql, params)
    assert index in explained, explained
