"""``crm.duplicate.findbycomm``: leads, contacts and companies sharing a phone or an e-mail."""
import re

from ..envelope import legacy_error
from .crm_mode import readable_rows
from .registry import method

MAX_VALUES = 20
_ORDER = (("LEAD", "lead"), ("CONTACT", "contact"), ("COMPANY", "company"))
_EXTENSION = re.compile(r"(доб|ext|#|x\b).*$", re.IGNORECASE)


def phone_key(value: str) -> str:
    """Digits only, extension dropped, a Russian trunk prefix 8 read as +7: how phones are compared.

    Bitrix24 parses phones in the portal's country (here Russia), so "8 (916) 123-45-67" and
    "+7 916 123-45-67" are one number.
    """
    digits = re.sub(r"\D", "", _EXTENSION.sub("", str(value)))
    if len(digits) == 11 and digits.startswith("8") and not str(value).strip().startswith("+"):
        digits = "7" + digits[1:]
    return digits


def _key(kind: str, value) -> str:
    return phone_key(value) if kind == "PHONE" else str(value).strip().lower()


@method("crm.duplicate.findbycomm", scope="crm")
def find_by_communication(call, params: dict):
    kind = str(params.get("type") or "").upper()
    if not kind:
        raise legacy_error("Communication type is not defined.")
    if kind not in ("EMAIL", "PHONE"):
        raise legacy_error(f"Communication type '{kind}' is not supported in current context.")
    values = params.get("values")
    values = list(values.values()) if isinstance(values, dict) else values
    if not values or not isinstance(values, list):
        raise legacy_error("Communication values is not defined.")
    if len(values) > MAX_VALUES:
        raise legacy_error(f"Too many communication values. Maximum is {MAX_VALUES}.")
    wanted = {_key(kind, value) for value in values} - {""}
    only = str(params.get("entity_type") or "").upper()
    if only and only not in dict(_ORDER):
        raise legacy_error(f"Entity type '{only}' is not supported in current context.")
    found = {}
    for type_name, entity in _ORDER:
        if only and only != type_name:
            continue
        ids = [int(row["ID"]) for row in readable_rows(call.portal, entity)
               if any(_key(kind, entry["VALUE"]) in wanted for entry in row.get(kind) or [])]
        if ids:
            found[type_name] = ids
        if len(ids) >= MAX_VALUES:
            break  # the real portal stops looking at later types once one type has 20 hits
    return found or []
