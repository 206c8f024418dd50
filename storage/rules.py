"""Per-quiz rules as the API serves them."""
from errors import NotFound
from storage.listing import unix
from storage.models import Rule


def as_dict(row: Rule) -> dict:
    return {
        "ID": row.id,
        "accountID": row.member_id,
        "QuizID": row.quiz_id,
        "PerformerID": row.performer_id,
        "PipelineID": row.pipeline_id,
        "TypeID": row.type_id,
        "StageID": row.stage_id,
        "SourceID": row.source_id,
        "FieldsRule": row.fields_rule,
        "TagsToAdd": row.tags_to_add,
        "Deleted": row.deleted,
        "CreatedAt": unix(row.created_at),
        "LeadFlag": row.lead_flag,
        "StatusID": row.status_id,
    }


def live(member_id: str, quiz_id: int) -> Rule | None:
    return Rule.get_or_none(Rule.member_id == member_id, Rule.quiz_id == quiz_id,
                            Rule.deleted == False)  # noqa: E712


def get(member_id: str, quiz_id: int) -> dict:
    """The live rule of a quiz on a portal; NotFound when there is none."""
    row = live(member_id, quiz_id)
    if row is None:
        raise NotFound("rule not found")
    return as_dict(row)
