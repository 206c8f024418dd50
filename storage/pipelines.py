"""The portal's pipelines (categories) as the API serves them."""
from storage.listing import among, page_of, unix
from storage.models import Pipeline

# What as_dict reads: the page selects these and nothing else.
COLUMNS = ("id", "bitrix_id", "member_id", "name", "entity_type_id", "deleted", "created_at")


def as_dict(row: Pipeline) -> dict:
    return {
        "ID": row.id,
        "bitrixID": row.bitrix_id,
        "accountID": row.member_id,
        "name": row.name,
        "entityTypeId": row.entity_type_id,
        "deleted": row.deleted,
        "createdAt": unix(row.created_at),
    }


def page(member_id: str, number: int, size: int, entity_type_ids=None) -> dict:
    """A page of the portal's live pipelines (of these entity types only, when given)."""
    return page_of(Pipeline, member_id, number, size, as_dict, COLUMNS, among("entity_type_id", entity_type_ids))
