"""The portal's statuses and stages as the API serves them."""
from storage.listing import page_of, unix
from storage.models import Step


def as_dict(row: Step) -> dict:
    item = {
        "ID": row.id,
        "accountID": row.member_id,
        "bitrixID": row.bitrix_id,
        "entityID": row.entity_id,
        "statusID": row.status_id,
        "name": row.name,
        "nameInit": row.name_init,
        "color": row.color,
        "deleted": row.deleted,
        "createdAt": unix(row.created_at),
    }
    # Only stages belong to a pipeline; sources, types and lead statuses have none.
    if row.pipeline_id is not None:
        item["pipelineID"] = row.pipeline_id
    return item


def page(member_id: str, number: int, size: int) -> dict:
    """A page of the portal's live statuses and stages."""
    return page_of(Step, member_id, number, size, as_dict)
