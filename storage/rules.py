"""Per-quiz rules: one live rule per portal and quiz, soft-deleted."""
from peewee import IntegrityError

from errors import Conflict, NotFound
from storage.columns import utcnow
from storage.db import database
from storage.listing import unix
from storage.models import Rule

# request property -> column
COLUMNS = {"PerformerID": "performer_id", "PipelineID": "pipeline_id", "TypeID": "type_id",
           "StageID": "stage_id", "SourceID": "source_id", "FieldsRule": "fields_rule",
           "TagsToAdd": "tags_to_add", "LeadFlag": "lead_flag", "StatusID": "status_id"}


def as_request(row: Rule) -> dict:
    """The rule as it was posted."""
    return {prop: getattr(row, column) for prop, column in COLUMNS.items()}


def as_dict(row: Rule) -> dict:
    return {"ID": row.id, "accountID": row.member_id, "QuizID": row.quiz_id, **as_request(row),
            "Deleted": row.deleted, "CreatedAt": unix(row.created_at)}


def live(member_id: str, quiz_id: int) -> Rule | None:
    return Rule.get_or_none(Rule.member_id == member_id, Rule.quiz_id == quiz_id,
                            Rule.deleted == False)  # noqa: E712


def get(member_id: str, quiz_id: int) -> Rule:
    """The live rule of a quiz on a portal; NotFound when there is none."""
    row = live(member_id, quiz_id)
    if row is None:
        raise NotFound("rule not found")
    return row


def _columns(body: dict) -> dict:
    return {column: body[prop] for prop, column in COLUMNS.items()}


def create(member_id: str, account_id: str, quiz_id: int, body: dict) -> Rule:
    """A new rule for the quiz; Conflict when the quiz already has one (decided by the database)."""
    try:
        with database.atomic():
            return Rule.create(member_id=member_id, account_id=account_id, quiz_id=quiz_id, **_columns(body))
    except IntegrityError:
        raise Conflict(f"quiz {quiz_id} already has a rule: change it with PATCH") from None


def replace(member_id: str, quiz_id: int, body: dict) -> Rule:
    """Replace the quiz's rule with `body`; NotFound when there is none."""
    updated = (Rule.update(**_columns(body), updated_at=utcnow())
               .where(Rule.member_id == member_id, Rule.quiz_id == quiz_id, Rule.deleted == False)  # noqa: E712
               .execute())
    if not updated:
        raise NotFound("rule not found")
    return get(member_id, quiz_id)


def delete(member_id: str, quiz_id: int) -> None:
    """Soft-delete the quiz's rule; NotFound when there is none."""
    deleted = (Rule.update(deleted=True, updated_at=utcnow())
               .where(Rule.member_id == member_id, Rule.quiz_id == quiz_id, Rule.deleted == False)  # noqa: E712
               .execute())
    if not deleted:
        raise NotFound("rule not found")
