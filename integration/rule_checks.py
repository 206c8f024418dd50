"""Whether a rule's references exist in the portal's synced dictionaries.

The same checks serve twice: strictly when a rule is written (the first failure is the answer)
and leniently when it is read (every reference a later sync deleted is listed as a problem).
"""
from errors import BadRequest, NotFound
from storage.models import Field, Pipeline, PortalUser, Rule, Step
from storage.rules import as_request

ENTITIES = {"lead": "CRM_LEAD", "deal": "CRM_DEAL", "contact": "CRM_CONTACT", "company": "CRM_COMPANY"}
DEAL_ENTITY_TYPE = 2
# What the quiz collects about the person, and the contact's standard fields it may fill.
CONTACT_DATA = frozenset({"name", "lastName", "secondName", "phone", "email", "company", "position",
                          "city", "address", "birthday", "website", "telegram", "comment"})
CONTACT_FIELDS = frozenset({"NAME", "LAST_NAME", "SECOND_NAME", "HONORIFIC", "PHONE", "EMAIL", "WEB", "IM",
                            "POST", "COMMENTS", "BIRTHDATE", "ADDRESS", "ADDRESS_CITY", "ADDRESS_REGION",
                            "ADDRESS_COUNTRY", "ADDRESS_POSTAL_CODE", "SOURCE_DESCRIPTION"})
QUESTION_ID = "a quiz question id (a positive integer of at most 10 digits)"


def is_question_id(key: str) -> bool:
    """Whether a map key names a quiz question: what the spec's descriptions promise, in code."""
    # isdigit() alone takes "²" and other digits int() refuses.
    return key.isascii() and key.isdigit() and len(key) <= 10 and int(key) > 0


def shown(key: str) -> str:
    """A key quoted for an error message, cut short: a key can be as long as the body."""
    return repr(key if len(key) <= 40 else key[:40] + "...")


def check(member_id: str, rule: dict) -> None:
    """Raise the first problem of a rule being written: BadRequest (malformed) or NotFound."""
    _check_shape(rule)
    problems = reference_problems(member_id, rule)
    if problems:
        raise NotFound(problems[0])


def _check_shape(rule: dict) -> None:
    """What the spec cannot say: map keys that must be question ids, contact data or entities."""
    for entity, maps in (rule.get("FieldsRule") or {}).items():
        for question in (maps.get("QuestionID") or {}):
            if not is_question_id(question):
                raise BadRequest(f"FieldsRule.{entity}.QuestionID: key {shown(question)} is not {QUESTION_ID}")
        for key in (maps.get("ContactRuleMap") or {}):
            if key not in CONTACT_DATA:
                raise BadRequest(f"FieldsRule.contact.ContactRuleMap: {shown(key)} is not contact data the quiz "
                                 f"collects ({', '.join(sorted(CONTACT_DATA))})")
    for entity in rule.get("TagsToAdd") or {}:
        if entity not in ENTITIES:
            raise BadRequest(f"TagsToAdd: {shown(entity)} is not one of {', '.join(ENTITIES)}")


def reference_problems(member_id: str, rule: dict) -> list[str]:
    """Every reference of the rule that the portal's live synced rows do not have."""
    problems = []
    if not _user_exists(member_id, rule.get("PerformerID")):
        problems.append(f"PerformerID: no active user {rule.get('PerformerID')!r} in the portal")
    if rule.get("LeadFlag"):
        if not _status_exists(member_id, "STATUS", rule.get("StatusID")):
            problems.append(f"StatusID: {rule.get('StatusID')!r} is not a lead status of the portal")
    else:
        pipeline = rule.get("PipelineID")
        if not _deal_pipeline_exists(member_id, pipeline):
            problems.append(f"PipelineID: no deal pipeline {pipeline} in the portal")
        elif not _status_exists(member_id, _stage_entity(pipeline), rule.get("StageID")):
            problems.append(f"StageID: {rule.get('StageID')!r} is not a stage of pipeline {pipeline}")
        if not _status_exists(member_id, "DEAL_TYPE", rule.get("TypeID")):
            problems.append(f"TypeID: {rule.get('TypeID')!r} is not a deal type of the portal")
    if not _status_exists(member_id, "SOURCE", rule.get("SourceID")):
        problems.append(f"SourceID: {rule.get('SourceID')!r} is not a source of the portal")
    problems += _field_problems(member_id, rule.get("FieldsRule") or {})
    return problems


def _field_problems(member_id: str, fields_rule: dict) -> list[str]:
    problems = []
    for entity, maps in fields_rule.items():
        names = {value for value in (maps.get("QuestionID") or {}).values()}
        contact_map = maps.get("ContactRuleMap") or {}
        names |= {value for value in contact_map.values() if value not in CONTACT_FIELDS}
        known = _field_names(member_id, ENTITIES[entity], names)
        problems += [f"FieldsRule.{entity}: no {entity} field {name!r} in the portal"
                     for name in sorted(names - known)]
    return problems


def _live(model, member_id: str):
    return model.select().where(model.member_id == member_id, model.deleted == False)  # noqa: E712


def _user_exists(member_id: str, user_id) -> bool:
    return _live(PortalUser, member_id).where(PortalUser.bitrix_id == str(user_id),
                                              PortalUser.active == True).exists()  # noqa: E712


def _deal_pipeline_exists(member_id: str, pipeline_id) -> bool:
    return _live(Pipeline, member_id).where(Pipeline.entity_type_id == DEAL_ENTITY_TYPE,
                                            Pipeline.bitrix_id == pipeline_id).exists()


def _stage_entity(pipeline_id: int) -> str:
    return "DEAL_STAGE" if pipeline_id == 0 else f"DEAL_STAGE_{pipeline_id}"


def _status_exists(member_id: str, entity: str, status_id) -> bool:
    if not status_id:
        return False
    return _live(Step, member_id).where(Step.entity_id == entity, Step.status_id == status_id).exists()


def _field_names(member_id: str, entity: str, names: set) -> set:
    if not names:
        return set()
    rows = _live(Field, member_id).where(Field.entity_id == entity, Field.field_name.in_(list(names)))
    return {row.field_name for row in rows}


def broken_rules(member_id: str):
    """(quiz_id, problems) for every live rule of the portal that points at something gone."""
    for rule in _live(Rule, member_id):
        problems = reference_problems(member_id, as_request(rule))
        if problems:
            yield rule.quiz_id, problems
