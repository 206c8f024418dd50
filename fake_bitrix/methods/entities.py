"""Legacy CRM rows: ``crm.{lead,deal,contact,company}.add / .get / .list / .update / .delete``.

Errors follow the legacy style: HTTP 400, an empty ``error`` and the reason in the description.
Field values are taken as PHP takes them (``internalize.py``); in simple CRM mode a new lead is
converted at once and may vanish from reads (``crm_mode.py``).
"""
from ..data import ENTITY_TYPES, MULTI_FIELDS
from ..envelope import legacy_error
from ..listing import conditions, ordering, page, start_of
from .crm_mode import SIMPLE_CRM, convert_lead, hidden, readable_rows
from .internalize import internalize
from .params import entity_id, must_be_array
from .registry import method


def _fields(params: dict) -> dict:
    fields = params.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise legacy_error("Parameter 'fields' must be array.")
    return fields


def _row(call, entity: str, params: dict) -> dict:
    wanted = entity_id(params)
    row = call.portal.data.entities[entity].get(wanted)
    if row is None or hidden(call.portal, entity, wanted):
        raise legacy_error("Not found")
    return row


def add(entity: str, call, params: dict) -> int:
    portal = call.portal
    new_id = portal.data.add_entity(entity, internalize(portal, _fields(params)), call.user_id, portal.clock.now())
    if entity == "lead" and portal.crm_mode == SIMPLE_CRM:
        convert_lead(call, new_id)
    return new_id


def get(entity: str, call, params: dict) -> dict:
    return _row(call, entity, params)


def update(entity: str, call, params: dict) -> bool:
    row = _row(call, entity, params)
    fields = internalize(call.portal, _fields(params))
    call.portal.data.update_entity(entity, row, fields, call.user_id, call.portal.clock.now())
    return True


def delete(entity: str, call, params: dict) -> bool:
    row = _row(call, entity, params)
    call.portal.data.delete_entity(entity, int(row["ID"]))
    return True


def list_rows(entity: str, call, params: dict):
    flt, order = must_be_array(params, "filter"), ordering(must_be_array(params, "order"))
    select = params.get("select") or []
    select = [str(name).upper() for name in (select if isinstance(select, list) else list(select.values()))]
    return page(readable_rows(call.portal, entity), conditions(flt), order, start_of(params),
                transform=lambda row: _selected(row, select))


def _selected(row: dict, select: list) -> dict:
    """Default and ``*``: standard fields; ``UF_*``: user fields; multi-fields only when named."""
    everything = not select or "*" in select
    shown = {}
    for name, value in row.items():
        if name == "ID" or name in select:
            shown[name] = value
        elif name.startswith("UF_"):
            if "UF_*" in select:
                shown[name] = value
        elif everything and name not in MULTI_FIELDS:
            shown[name] = value
    return shown


_ACTIONS = {"add": add, "get": get, "update": update, "delete": delete, "list": list_rows}
for _entity in ENTITY_TYPES:
    for _action, _run in _ACTIONS.items():
        method(f"crm.{_entity}.{_action}", scope="crm")(
            lambda call, params, e=_entity, run=_run: run(e, call, params))
