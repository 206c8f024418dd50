"""Per-quiz rules: one live rule per portal and quiz, soft-deleted."""
from peewee import IntegrityError

from errors import Conflict, NotFound
from storage.columns import utcnow
from storage.db import run, transaction
from storage.listing import unix
from storage.models import Rule
from storage.records import Rule as RuleRecord

# request property -> column
COLUMNS = {"PerformerID": "performer_id", "PipelineID": "pipeline_id", "TypeID": "type_id",
           "StageID": "stage_id", "SourceID": "source_id", "FieldsRule": "fields_rule",
           "TagsToAdd": "tags_to_add", "LeadFlag": "lead_flag", "StatusID": "status_id"}


def _record(row: Rule) -> RuleRecord:
    return RuleRecord(row.id, row.member_id, row.quiz_id,
                      {prop: getattr(row, column) for prop, column in COLUMNS.items()},
                      row.deleted, row.created_at)


def as_dict(rule: RuleRecord) -> dict:
    """The rule as the API shows it."""
    return {"ID": rule.id, "accountID": rule.member_id, "QuizID": rule.quiz_id, **rule.request,
            "Deleted": rule.deleted, "CreatedAt": unix(rule.created_at)}


def _live():
    return Rule.select().where(Rule.deleted == False)  # noqa: E712


# Asked by every submitted result: written out (storage/db.py `run`).
HAS_LIVE_SQL = 'SELECT 1 FROM "rule" WHERE "member_id" = {p} AND "quiz_id" = {p} AND "deleted" = {p}'


def has_live(member_id: str, quiz_id: int) -> bool:
    """Whether the quiz has a live rule on the portal."""
    return run(HAS_LIVE_SQL, (member_id, quiz_id, False)).fetchone() is not None


def live(member_id: str, quiz_id: int) -> RuleRecord | None:
    row = _live().where(Rule.member_id == member_id, Rule.quiz_id == quiz_id).first()
    return _record(row) if row else None


def all_live(member_id: str) -> list[RuleRecord]:
    """Every live rule of the portal."""
    return [_record(row) for row in _live().where(Rule.member_id == member_id).order_by(Rule.quiz_id)]


def get(member_id: str, quiz_id: int) -> RuleRecord:
    """The live rule of a quiz on a portal; NotFound when there is none."""
    rule = live(member_id, quiz_id)
    if rule is None:
        raise NotFound("rule not found")
    return rule


def _columns(body: dict) -> dict:
    return {column: body[prop] for prop, column in COLUMNS.items()}


def create(member_id: str, account_id: str, quiz_id: int, body: dict) -> RuleRecord:
    """A new rule for the quiz; Conflict when the quiz already has one (decided by the database)."""
    try:
        with transaction():
            return _record(Rule.create(member_id=member_id, account_id=account_id, quiz_id=quiz_id,
                                       **_columns(body)))
    except IntegrityError:
        raise Conflict(f"quiz {quiz_id} already has a rule: change it with PATCH") from None


def replace(member_id: str, quiz_id: int, body: dict) -> RuleRecord:
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
