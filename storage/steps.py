"""The portal's statuses and stages as the API serves them."""
from storage.listing import among, equals, page_of, unix
from storage.models import Step

# What as_dict reads: the page selects these and nothing else.
COLUMNS = ("id", "member_id", "bitrix_id", "entity_id", "status_id", "name", "name_init", "color", "sort",
           "pipeline_id", "deleted", "created_at")


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
        "sort": row.sort,
        "deleted": row.deleted,
        "createdAt": unix(row.created_at),
    }
    # Only stages belong to a pipeline; sources, types and lead statuses have none.
    if row.pipeline_id is not None:
        item["pipelineID"] = row.pipeline_id
    return item


def page(member_id: str, number: int, size: int, entity_ids=None, pipeline_id: int | None = None) -> dict:
    """A page of the portal's live statuses and stages: all of them by id, or those of these
    dictionaries (`entity_ids`) and this pipeline in the portal's own order (SORT, then id),
    dictionary by dictionary."""
    where = among("entity_id", entity_ids)
    if pipeline_id is not None:
        where.append(equals("pipeline_id", pipeline_id))
    # A person sees a pipeline's stages (and a dictionary's items) ordered by SORT, on the kanban
    # board and in every drop-down: an editor offering them should too.
    order = ("entity_id", "sort") if where else ()
    return page_of(Step, member_id, number, size, as_dict, COLUMNS, where, order)
