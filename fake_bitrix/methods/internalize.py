"""What legacy ``crm.*.add`` / ``.update`` make of field values, wrong types included, as PHP does.

A ``$result`` reference to a failed batch command hands a method an array where an ID was meant
(``references.py``); the real portal does not refuse it, it casts it. Sources (docs/bitrix24.md,
"Batch: references to failed commands"):

- ``CCrmRestProxyBase::internalizeFields``: a single-valued ``user``/``integer`` field given an
  array becomes ``(int)`` of it (1 if it has elements, else 0); a ``string``/``char``/``date``/
  ``crm_status`` field becomes ``(string)``, i.e. "Array".
- ``COMPANY_ID``, ``CONTACT_ID``, ``LEAD_ID`` are integer columns: stored as ``(int)`` of the value.
- ``CONTACT_IDS`` (deals, leads) and ``COMPANY_IDS`` (contacts), only when they are arrays, go
  through ``EntityBinding::prepareEntityBindings``: ``array_filter``, then every value ``> 0`` is
  bound as ``(int)`` of it (an array counts as greater than 0, so it binds ID 1); the first is the
  primary one, shown as ``CONTACT_ID`` / ``COMPANY_ID``. A scalar there is ignored.
- ``Permissions::checkRelatedEntitiesPermissions`` reads every linked ID (``(int)`` of each value of
  ``(array)`` of the field) and refuses an ID the user may not read. An administrator reads any ID,
  so whether a link to a missing item is refused depends on the user: ``portal.link_check``.
"""
from .. import php
from ..envelope import legacy_error

_USER_OR_INTEGER = {"ASSIGNED_BY_ID", "PROBABILITY"}
_TEXT = {"TITLE", "NAME", "SECOND_NAME", "LAST_NAME", "COMMENTS", "SOURCE_ID", "SOURCE_DESCRIPTION",
         "STATUS_ID", "STATUS_DESCRIPTION", "STAGE_ID", "TYPE_ID", "OPENED", "ORIGIN_ID", "ORIGINATOR_ID",
         "POST", "COMPANY_TITLE", "HONORIFIC", "COMPANY_TYPE", "INDUSTRY", "EMPLOYEES", "BIRTHDATE",
         "BEGINDATE", "CLOSEDATE", "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM"}
_SINGLE_LINKS = {"COMPANY_ID": "company", "CONTACT_ID": "contact", "LEAD_ID": "lead"}
_MULTIPLE_LINKS = {"CONTACT_IDS": ("CONTACT_ID", "contact"), "COMPANY_IDS": ("COMPANY_ID", "company")}
_DESCRIPTIONS = {"contact": "Contact", "company": "Company", "lead": "Lead"}


def internalize(portal, fields: dict) -> dict:
    """The fields as the portal stores them; raises the legacy 400 for a link it refuses."""
    fields = {str(name).upper(): value for name, value in fields.items()}
    if portal.link_check == "read":
        _check_links(portal, fields)
    stored = {}
    for name, value in fields.items():
        if name in _USER_OR_INTEGER and php.is_array(value):
            stored[name] = php.to_int(value)
        elif name in _TEXT and php.is_array(value):
            stored[name] = php.to_string(value)
        elif name in _SINGLE_LINKS:
            stored[name] = php.to_int(value) if php.to_int(value) > 0 else None
        elif name not in _MULTIPLE_LINKS:
            stored[name] = value
    for name, (primary, _) in _MULTIPLE_LINKS.items():
        if name in fields and php.is_array(fields[name]):
            stored[name] = bound_ids(fields[name])
            stored[primary] = stored[name][0] if stored[name] else None
    return stored


def bound_ids(values) -> list[int]:
    """``EntityBinding::prepareEntityBindings``: the IDs an array of IDs binds, in order."""
    values = values.values() if isinstance(values, dict) else values
    return [php.to_int(value) for value in values if php.truthy(value) and php.greater_than_zero(value)]


def _check_links(portal, fields: dict) -> None:
    for name, entity in [*_SINGLE_LINKS.items(), *((n, e) for n, (_, e) in _MULTIPLE_LINKS.items())]:
        if name not in fields:
            continue
        values = fields[name] if php.is_array(fields[name]) else [fields[name]]
        for value in values.values() if isinstance(values, dict) else values:
            linked = php.to_int(value)
            if linked < 0:
                raise legacy_error("Wrong value")
            if linked > 0 and linked not in portal.data.entities[entity]:
                raise legacy_error(f"[{_DESCRIPTIONS[entity]} #{linked}] Access denied.")
