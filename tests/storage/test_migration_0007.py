"""Migration 0007 on a database that already holds synced users: they are found by search at once."""
import pytest
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

from storage import db, user_search
from storage.db import MIGRATIONS

SCHEMA = "migration_0007"
FILTER_INDEXES = {"portal_user_search", "step_by_entity", "step_by_pipeline", "pipeline_by_entity_type",
                  "field_by_entity", "field_by_type"}
PEOPLE = [("Семён", "Семёнов", "s.semenov@example.ru", "Менеджер по продажам"),
          ("АННА", "ИВАНОВА", "A.Ivanova@Example.RU", "ГЛАВНЫЙ БУХГАЛТЕР"),
          ("Straße", "O'Brien_100%", "", "x" * 300)]


@pytest.fixture
def older_database(database_url, tmp_path):
    """An empty database beside the suite's (a schema of its own on PostgreSQL), migrated up to 0007."""
    if database_url.startswith("sqlite"):
        database = connect_url(f"sqlite:///{tmp_path / 'older.db'}")
    else:
        with db.connection():
            db.database.execute_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            db.database.execute_sql(f"CREATE SCHEMA {SCHEMA}")
        database = connect_url(database_url, options=f"-c search_path={SCHEMA}")
    runner = Runner(database, str(MIGRATIONS))
    names = [migration.name for migration in runner.status()]
    runner.up(target=names[names.index("0007_list_filters") - 1])
    yield database, runner
    database.close()
    if not database_url.startswith("sqlite"):
        with db.connection():
            db.database.execute_sql(f"DROP SCHEMA {SCHEMA} CASCADE")


def test_users_synced_before_the_migration_get_their_search_text(older_database):
    database, runner = older_database
    count = 2500  # more than one chunk of the fill
    rows = [(str(n), *PEOPLE[n % len(PEOPLE)]) for n in range(count)]
    param = database.param
    for start in range(0, count, 500):
        chunk = rows[start:start + 500]
        database.execute_sql(
            "INSERT INTO portal_user (member_id, bitrix_id, name, last_name, email, work_position, second_name,"
            " title, departments, active, deleted, created_at, updated_at) VALUES "
            + ", ".join([f"('portal-a', {param}, {param}, {param}, {param}, {param}, '', '', '[]', true, false,"
                         " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"] * len(chunk)),
            [value for row in chunk for value in row])

    assert "0007_list_filters" in runner.up()
    stored = database.execute_sql("SELECT name, last_name, email, work_position, search_text FROM portal_user "
                                  "ORDER BY id").fetchall()
    assert len(stored) == count
    for name, last_name, email, position, search_text in stored:
        # What the sync writes later (storage/user_search.py): the next sync then changes nothing.
        assert search_text == user_search.search_text(
            {"name": name, "last_name": last_name, "email": email, "work_position": position})
    assert stored[0][4] == "семен семенов s.semenov@example.ru менеджер по продажам"
    assert stored[1][4] == "анна иванова a.ivanova@example.ru главный бухгалтер"
    assert stored[2][4] == "strasse o'brien_100%  " + "x" * 128


def test_the_filters_indexes_exist_after_it(older_database):
    database, runner = older_database
    runner.up()
    if db.is_postgres():
        names = database.execute_sql("SELECT indexname FROM pg_indexes WHERE schemaname = %s", (SCHEMA,))
    else:
        names = database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
    assert FILTER_INDEXES <= {name for (name,) in names}
