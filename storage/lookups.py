"""Whether a rule's references exist among a portal's live synced rows, and the fields delivery writes."""
from storage.models import Field, Pipeline, PortalUser, Step

DEAL_ENTITY_TYPE = 2


def _live(model, member_id: str):
    return model.select().where(model.member_id == member_id, model.deleted == False)  # noqa: E712


def active_user_exists(member_id: str, user_id) -> bool:
    return _live(PortalUser, member_id).where(PortalUser.bitrix_id == str(user_id),
                                              PortalUser.active == True).exists()  # noqa: E712


def deal_pipeline_exists(member_id: str, pipeline_id) -> bool:
    return _live(Pipeline, member_id).where(Pipeline.entity_type_id == DEAL_ENTITY_TYPE,
                                            Pipeline.bitrix_id == pipeline_id).exists()


def status_exists(member_id: str, entity: str, status_id) -> bool:
    """Whether the dictionary `entity` (SOURCE, DEAL_TYPE, DEAL_STAGE_3, ...) has `status_id`."""
    if not status_id:
        return False
    return _live(Step, member_id).where(Step.entity_id == entity, Step.status_id == status_id).exists()


def field_names(member_id: str, entity: str, names: set) -> set:
    """Which of `names` are live custom fields of `entity` (CRM_LEAD, ...)."""
    if not names:
        return set()
    rows = _live(Field, member_id).where(Field.entity_id == entity, Field.field_name.in_(list(names)))
    return {row.field_name for row in rows}


def field_index(member_id: str) -> dict:
    """{entity_id: {field_name: field as a dict}} of the portal's live custom fields."""
    index = {}
    for row in _live(Field, member_id).dicts():
        index.setdefault(row["entity_id"], {})[row["field_name"]] = row
    return index
