"""Whether a rule's references exist in the portal's synced dictionaries.

The same checks serve twice: strictly when a rule is written (the first failure is the answer)
and leniently when it is read (every reference a later sync deleted is listed as a problem).
"""
from errors import BadRequest, Conflict, NotFound
from service.crm import CONTACT_DATA, CONTACT_FIELDS, ENTITY_IDS
from service.quiz_keys import QUESTION_ID, is_question_id, shown
from storage import lookups, portals, rules

NO_LEADS = ("LeadFlag: the Bitrix24 portal works without leads (simple CRM mode) and turns every new lead "
            "into a deal at once: use a deal rule (LeadFlag false)")


def check(member_id: str, rule: dict) -> None:
    """Raise the first problem of a rule being written: BadRequest (malformed), Conflict (the portal has
    no leads) or NotFound (a reference the portal lacks)."""
    _check_shape(rule)
    if rule.get("LeadFlag") and portals.works_without_leads(member_id):
        raise Conflict(NO_LEADS)
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
        if entity not in ENTITY_IDS:
            raise BadRequest(f"TagsToAdd: {shown(entity)} is not one of {', '.join(ENTITY_IDS)}")


def reference_problems(member_id: str, rule: dict) -> list[str]:
    """Every reference of the rule that the portal's live synced rows do not have."""
    problems = []
    if not lookups.active_user_exists(member_id, rule.get("PerformerID")):
        problems.append(f"PerformerID: no active user {rule.get('PerformerID')!r} in the portal")
    if rule.get("LeadFlag"):
        if portals.works_without_leads(member_id):
            problems.append(NO_LEADS)
        if not lookups.status_exists(member_id, "STATUS", rule.get("StatusID")):
            problems.append(f"StatusID: {rule.get('StatusID')!r} is not a lead status of the portal")
    else:
        pipeline = rule.get("PipelineID")
        if not lookups.deal_pipeline_exists(member_id, pipeline):
            problems.append(f"PipelineID: no deal pipeline {pipeline} in the portal")
        elif not lookups.status_exists(member_id, _stage_entity(pipeline), rule.get("StageID")):
            problems.append(f"StageID: {rule.get('StageID')!r} is not a stage of pipeline {pipeline}")
        if not lookups.status_exists(member_id, "DEAL_TYPE", rule.get("TypeID")):
            problems.append(f"TypeID: {rule.get('TypeID')!r} is not a deal type of the portal")
    if not lookups.status_exists(member_id, "SOURCE", rule.get("SourceID")):
        problems.append(f"SourceID: {rule.get('SourceID')!r} is not a source of the portal")
    problems += _field_problems(member_id, rule.get("FieldsRule") or {})
    return problems


def _field_problems(member_id: str, fields_rule: dict) -> list[str]:
    problems = []
    for entity, maps in fields_rule.items():
        names = {value for value in (maps.get("QuestionID") or {}).values()}
        contact_map = maps.get("ContactRuleMap") or {}
        names |= {value for value in contact_map.values() if value not in CONTACT_FIELDS}
        known = lookups.field_names(member_id, ENTITY_IDS[entity], names)
        problems += [f"FieldsRule.{entity}: no {entity} field {name!r} in the portal"
                     for name in sorted(names - known)]
    return problems


def _stage_entity(pipeline_id: int) -> str:
    return "DEAL_STAGE" if pipeline_id == 0 else f"DEAL_STAGE_{pipeline_id}"


def broken_rules(member_id: str):
    """(quiz_id, problems) for every live rule of the portal that points at something gone."""
    for rule in rules.all_live(member_id):
        problems = reference_problems(member_id, rule.request)
        if problems:
            yield rule.quiz_id, problems
