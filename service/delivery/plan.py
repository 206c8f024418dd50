"""What to create in Bitrix24 for one quiz result, field by field, from the quiz's rule."""
import dataclasses

from service.crm import CONTACT_DATA, ENTITY_IDS, MULTI_FIELDS
from service.delivery.convert import convert, email, phone, readable

ORIGINATOR = "quiz-integration"
UTM = ("source", "medium", "campaign", "content", "term")


@dataclasses.dataclass
class Plan:
    lead: dict | None = None
    deal: dict | None = None
    contact: dict | None = None
    company: dict | None = None
    phone: str = ""
    email: str = ""
    problems: list = dataclasses.field(default_factory=list)


def origin(delivery_id: int) -> dict:
    """The marks every entity we create carries, so a retry can find it instead of creating it twice."""
    return {"ORIGINATOR_ID": ORIGINATOR, "ORIGIN_ID": f"quiz-result-{delivery_id}"}


def build(delivery_id: int, quiz_id: int, rule: dict, payload: dict, fields: dict) -> Plan:
    """The plan for one result; `fields` is {entity_id: {field_name: field row as dict}}."""
    plan = Plan()
    person = {k: v for k, v in (payload.get("contact") or {}).items() if isinstance(v, str) and v.strip()}
    plan.phone, plan.email = phone(person.get("phone", "")), email(person.get("email", ""))
    common = {"ASSIGNED_BY_ID": int(rule["PerformerID"]) if str(rule["PerformerID"]).isdigit()
              else rule["PerformerID"], "SOURCE_ID": rule["SourceID"], **origin(delivery_id)}
    title = payload.get("title") or f"Квиз #{quiz_id}: {person.get('name') or payload.get('resultID', '')}".strip()
    marketing = {f"UTM_{k.upper()}": v for k, v in (payload.get("utm") or {}).items() if k in UTM and v}
    if payload.get("pageURL"):
        marketing["SOURCE_DESCRIPTION"] = payload["pageURL"]
    maps = rule.get("FieldsRule") or {}
    if rule["LeadFlag"]:
        lead = {"TITLE": title, "STATUS_ID": rule["StatusID"], **common, **marketing,
                **_person_fields(person, {}, fields, plan)}
        if person.get("company"):
            lead["COMPANY_TITLE"] = person["company"]
        plan.lead = _finish(lead, "lead", maps, rule, payload, fields, plan)
        return plan
    plan.deal = _finish({"TITLE": title, "CATEGORY_ID": rule["PipelineID"], "STAGE_ID": rule["StageID"],
                         "TYPE_ID": rule["TypeID"], **common, **marketing},
                        "deal", maps, rule, payload, fields, plan)
    contact_map = (maps.get("contact") or {}).get("ContactRuleMap") or {}
    contact = _person_fields(person, contact_map, fields, plan)
    if contact or (maps.get("contact") or {}).get("QuestionID"):
        plan.contact = _finish({**contact, **common}, "contact", maps, rule, payload, fields, plan)
    if (maps.get("company") or {}).get("QuestionID"):
        company = {"TITLE": person.get("company") or title, **common}
        plan.company = _finish(company, "company", maps, rule, payload, fields, plan)
    return plan


def _person_fields(person: dict, overrides: dict, fields: dict, plan: Plan) -> dict:
    """Contact data as contact (or lead) fields: multi-fields for phone, e-mail, web, messengers."""
    mapping = {**CONTACT_DATA, **overrides}
    values = {}
    for key, text in person.items():
        target = mapping.get(key)
        if target is None:
            continue
        if target in MULTI_FIELDS:
            value = plan.phone if key == "phone" else plan.email if key == "email" else text.strip()
            values.setdefault(target, []).append({"VALUE": value, "VALUE_TYPE": MULTI_FIELDS[target]})
        elif target.startswith("UF_"):
            _put(values, fields.get("CRM_CONTACT", {}).get(target), target, text, plan)
        else:
            values[target] = text.strip()
    return values


def _finish(values: dict, entity: str, maps: dict, rule: dict, payload: dict, fields: dict, plan: Plan) -> dict:
    """Add the mapped answers and the tags of one entity."""
    known = fields.get(ENTITY_IDS[entity], {})
    answers = payload.get("answers") or {}
    for question, field_name in ((maps.get(entity) or {}).get("QuestionID") or {}).items():
        if question in answers:
            _put(values, known.get(field_name), field_name, answers[question], plan)
    tags = [tag for tag in (rule.get("TagsToAdd") or {}).get(entity) or [] if tag]
    if tags:
        tag_field = next((f for f in known.values() if f["field_type"] == "crm_pena_tag"), None)
        if tag_field is not None:
            values[tag_field["field_name"]] = tags if tag_field["multiple"] else ", ".join(tags)
        else:
            comments = values.get("COMMENTS", "")
            values["COMMENTS"] = (comments + "\n" if comments else "") + "Теги: " + ", ".join(tags)
    return values


def _put(values: dict, field: dict | None, name: str, answer, plan: Plan) -> None:
    if field is None:
        plan.problems.append(f"{name}: the field no longer exists in the portal ({readable(answer)!r} not sent)")
        return
    value, problem = convert(answer, field)
    if problem:
        plan.problems.append(problem)
    else:
        values[name] = value
