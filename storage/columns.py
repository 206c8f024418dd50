"""Column types shared by the models and the migrations."""
import json
from datetime import UTC, datetime

from peewee import TextField


def utcnow() -> datetime:
    """Naive UTC now: what every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


class JSONField(TextField):
    """JSON kept as text, so SQLite and PostgreSQL store it the same way."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)
