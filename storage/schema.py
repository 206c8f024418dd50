"""The schema as a whole: what a test database is wiped with before the migrations rebuild it."""
from storage.db import connection, database
from storage.models import MODELS


def drop_everything() -> None:
    """Drop every table of the service, migrations' bookkeeping included (test databases only)."""
    with connection():
        database.execute_sql("DROP TABLE IF EXISTS schema_migration")
        database.drop_tables(MODELS, safe=True)
