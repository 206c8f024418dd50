"""Pages of portal-owned rows: stable order, total count, clamped size."""
from datetime import UTC, datetime

MAX_PAGE_SIZE = 100


def page_of(model, member_id: str, page: int, size: int, to_dict) -> dict:
    """One page of the live rows of `model` for a portal, ordered by id."""
    size = min(size, MAX_PAGE_SIZE)
    live = model.select().where(model.member_id == member_id, model.deleted == False)  # noqa: E712
    rows = live.order_by(model.id).offset((page - 1) * size).limit(size)
    return {"count": live.count(), "items": [to_dict(row) for row in rows]}


def rfc3339(value: datetime) -> str:
    """A stored naive-UTC timestamp as RFC 3339."""
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def unix(value: datetime) -> int:
    """A stored naive-UTC timestamp as Unix seconds."""
    return int(value.replace(tzinfo=UTC).timestamp())
