"""Classic and simple CRM: ``crm.settings.mode.get``, ``crm.enum.settings.mode`` and lead-free mode.

In simple mode (2) a portal has no leads: a lead that ``crm.lead.add`` creates is converted at once
by the automation's lead-free scenario (``Bitrix\\Bizproc\\Automation\\Factory::runLeadFreeScenario``:
into a deal of the configured pipeline, default 0, and a contact). The converted lead is hidden from
``crm.lead.get`` / ``.list`` / ``crm.duplicate.findbycomm`` (``portal.converted_leads = "hidden"``,
the default) or readable with STATUS_ID CONVERTED (``"visible"``): the sources do not say which.
What is copied into the deal and contact is our guess (docs/bitrix24.md, "Simple CRM mode").
"""
from ..data import MULTI_FIELDS
from .registry import method

CLASSIC_CRM, SIMPLE_CRM = 1, 2  # what crm.settings.mode.get answers: with leads, without leads
MODES = [{"ID": 1, "NAME": "Classic CRM", "SYMBOL_CODE": None, "SYMBOL_CODE_SHORT": None},
         {"ID": 2, "NAME": "Simple CRM", "SYMBOL_CODE": None, "SYMBOL_CODE_SHORT": None}]
_TO_DEAL = ("TITLE", "ASSIGNED_BY_ID", "SOURCE_ID", "SOURCE_DESCRIPTION", "COMMENTS", "OPPORTUNITY", "CURRENCY_ID",
            "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM")
_TO_CONTACT = ("NAME", "SECOND_NAME", "LAST_NAME", "POST", "ASSIGNED_BY_ID", "SOURCE_ID", "SOURCE_DESCRIPTION",
               *MULTI_FIELDS)
_PERSON = ("NAME", "LAST_NAME", "SECOND_NAME", "PHONE", "EMAIL")


@method("crm.settings.mode.get", scope="crm")
def mode_get(call, params: dict) -> int:
    return call.portal.crm_mode


@method("crm.enum.settings.mode", scope="crm")
def mode_enum(call, params: dict) -> list:
    return [dict(mode) for mode in MODES]


def hidden(portal, entity: str, row_id) -> bool:
    """A converted lead that simple mode does not let anyone read."""
    return (entity == "lead" and portal.converted_leads == "hidden"
            and int(row_id) in portal.converted_lead_ids)


def readable_rows(portal, entity: str) -> list:
    """The rows of ``entity`` that reads may see."""
    rows = portal.data.rows(entity)
    if entity != "lead" or not portal.converted_lead_ids:
        return rows
    return [row for row in rows if not hidden(portal, entity, row["ID"])]


def convert_lead(call, lead_id: int) -> None:
    """Simple mode: turn a new lead into a deal (and a contact, when the lead names a person)."""
    portal, data, now = call.portal, call.portal.data, call.portal.clock.now()
    lead = data.entities["lead"][lead_id]
    contact_id = None
    if any(lead.get(name) for name in _PERSON):
        contact = _copy(lead, _TO_CONTACT)
        contact["LEAD_ID"] = lead_id
        contact_id = data.add_entity("contact", contact, call.user_id, now)
    deal = _copy(lead, _TO_DEAL)
    deal.update(LEAD_ID=lead_id, CATEGORY_ID=portal.simple_crm_category)
    if contact_id is not None:
        deal.update(CONTACT_ID=contact_id, CONTACT_IDS=[contact_id])
    data.add_entity("deal", deal, call.user_id, now)
    data.update_entity("lead", lead, {"STATUS_ID": "CONVERTED", "STATUS_SEMANTIC_ID": "S", "CONTACT_ID": contact_id},
                       call.user_id, now)
    portal.converted_lead_ids.add(lead_id)


def _copy(row: dict, names: tuple) -> dict:
    copied = {}
    for name in names:
        value = row.get(name)
        if name in MULTI_FIELDS and value:
            copied[name] = [{"VALUE": entry["VALUE"], "VALUE_TYPE": entry["VALUE_TYPE"]} for entry in value]
        elif value not in (None, "", []):
            copied[name] = value
    return copied
