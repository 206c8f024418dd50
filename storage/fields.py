"""The portal's custom fields as the API serves them."""
from storage.listing import among, page_of, unix
from storage.models import Field

# What as_dict reads: the page selects these and nothing else.
COLUMNS = ("id", "member_id", "bitrix_id", "entity_id", "field_name", "label", "field_type", "deleted",
           "created_at")


def as_dict(row: Field) -> dict:
    return {
        "ID": row.id,
        "accountID": row.member_id,
        "bitrixID": row.bitrix_id,
        "entityID": row.entity_id,
        "fieldName": row.field_name,
        "editFromLabel": row.label,
        "fieldType": row.field_type,
        "deleted": row.deleted,
        "createdAt": unix(row.created_at),
    }


def page(member_id: str, number: int, size: int, entity_ids=None, field_types=None) -> dict:
    """A page of the portal's live custom fields (of these entities and types only, when given)."""
    where = [*among("entity_id", entity_ids), *among("field_type", field_types)]
    return page_of(Field, member_id, number, size, as_dict, COLUMNS, where)
