"""``crm.{lead,deal,contact,company}.userfield.list`` and ``.get``.

``.list`` returns the label keys as plain strings only when ``filter[LANG]`` is given; ``.get``
returns each label as a per-language map.
"""
from ..data import ENTITY_TYPES
from ..envelope import legacy_error
from ..listing import conditions, ordering, page, start_of
from ..seed.userfields import LABEL_KEYS
from .params import entity_id, must_be_array
from .registry import method

_DEFAULT_ORDER = {"SORT": "ASC", "ID": "ASC"}


def _list(entity: str, call, params: dict):
    flt = dict(must_be_array(params, "filter"))
    order = ordering(must_be_array(params, "order") or _DEFAULT_ORDER)
    lang = next((flt.pop(key) for key in list(flt) if key.upper() == "LANG"), None)
    fields = call.portal.data.userfields[entity]
    return page(fields, conditions(flt), order, start_of(params), transform=lambda row: _labelled(row, lang))


def _labelled(field: dict, lang) -> dict:
    shown = {key: value for key, value in field.items() if key not in LABEL_KEYS}
    if lang:
        for key in LABEL_KEYS:
            text = field.get(key, {}).get(str(lang).lower())
            shown[key] = text if text or key not in LABEL_KEYS[3:] else None
    return shown


def _get(entity: str, call, params: dict):
    wanted = str(entity_id(params))
    found = next((field for field in call.portal.data.userfields[entity] if field["ID"] == wanted), None)
    if found is None:
        raise legacy_error("Not found")
    return found


for _entity in ENTITY_TYPES:
    for _action, _run in (("list", _list), ("get", _get)):
        method(f"crm.{_entity}.userfield.{_action}", scope="crm")(
            lambda call, params, e=_entity, run=_run: run(e, call, params))
