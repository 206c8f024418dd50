"""The portal's users as the API serves them."""
from storage import user_search
from storage.listing import page_of, rfc3339
from storage.models import PortalUser

# What as_dict reads: the page selects these and nothing else.
COLUMNS = ("id", "member_id", "bitrix_id", "name", "last_name", "second_name", "title", "email", "departments",
           "work_position", "deleted", "created_at")


def as_dict(row: PortalUser) -> dict:
    item = {
        "id": row.id,
        "accountID": row.member_id,
        "bitrixUserID": row.bitrix_id,
        "name": row.name,
        "lastName": row.last_name,
        "secondName": row.second_name,
        "title": row.title,
        "uf_department": row.departments,
        "workPosition": row.work_position,
        "deleted": row.deleted,
        "createdAt": rfc3339(row.created_at),
    }
    if row.email:
        item["email"] = row.email
    return item


def page(member_id: str, number: int, size: int, search: str | None = None) -> dict:
    """A page of the portal's live users; with `search`, those in whose name, last name, e-mail or
    position every word of it occurs (storage/user_search.py)."""
    where = user_search.conditions(search) if search else ()
    return page_of(PortalUser, member_id, number, size, as_dict, COLUMNS, where)
