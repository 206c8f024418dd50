"""Quiz answers in the shape each Bitrix24 field type takes.

A value that cannot be converted is reported, never sent wrong: `convert` answers
(value, None) or (None, problem).
"""
import math
import re
from datetime import datetime

TRUE = {"true", "yes", "y", "1", "да", "д", "on"}
FALSE = {"false", "no", "n", "0", "нет", "н", "off"}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
                 "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M")
# Types a quiz answer cannot name: files, CRM links, catalog elements, statuses by id.
NOT_FROM_ANSWERS = {"file", "crm", "crm_status", "iblock_section", "iblock_element"}
# What Bitrix24's integer fields hold (a signed 64-bit column).
INT64_MAX = 2 ** 63 - 1


class Unconvertible(ValueError):
    pass


def readable(value) -> str:
    """Any answer as text a person reads: options joined, yes/no spelled out."""
    if isinstance(value, bool):
        return "Да" if value else "Нет"
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def convert(value, field: dict):
    """(value for the field, None) or (None, why it cannot be sent)."""
    kind = field["field_type"]
    name = field["field_name"]
    try:
        if kind in NOT_FROM_ANSWERS:
            raise Unconvertible(f"a {kind} field cannot take a quiz answer")
        if kind == "enumeration":
            return _enumeration(value, field), None
        if field.get("multiple"):
            items = value if isinstance(value, list) else [value]
            return [_single(item, kind) for item in items], None
        if isinstance(value, list) and kind not in ("string", "url", "address"):
            if len(value) != 1:
                raise Unconvertible(f"{len(value)} options for a single {kind} field")
            value = value[0]
        return _single(value, kind), None
    except Unconvertible as why:
        return None, f"{name}: {why}"
    except (ArithmeticError, ValueError) as why:
        # Whatever else the value makes Python raise (a number too long to read, ...): left out, said why.
        return None, f"{name}: {readable_briefly(value)} cannot be written into a {kind} field ({type(why).__name__})"


def _single(value, kind: str):
    if kind in ("string", "url", "address", "crm_pena_tag"):
        return readable(value)
    if kind == "boolean":
        return 1 if _boolean(value) else 0
    if kind in ("integer", "employee"):
        number = _number(value)
        if isinstance(number, float):
            if not number.is_integer():
                raise Unconvertible(f"{readable_briefly(value)} is not a whole number")
            number = int(number)
        if abs(number) > INT64_MAX:
            raise Unconvertible(f"{readable_briefly(value)} is too large for an integer field")
        return number
    if kind == "double":
        return _double(value)
    if kind == "money":
        return f"{_double(value):g}|RUB"
    if kind == "datetime":
        return _datetime(value)
    raise Unconvertible(f"unknown field type {kind}")


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    text = readable(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise Unconvertible(f"{readable_briefly(value)} is not yes or no")


def _number(value) -> int | float:
    """An answer as a number: an int when it is written as one, a finite float otherwise."""
    if isinstance(value, bool):
        raise Unconvertible("yes/no is not a number")
    if isinstance(value, (int, float)):
        number = value
    else:
        text = re.sub(r"[\s\u00a0]", "", readable(value)).replace(",", ".")
        try:
            number = float(text) if "." in text or "e" in text.lower() else int(text)
        except ValueError:
            raise Unconvertible(f"{readable_briefly(value)} is not a number") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise Unconvertible(f"{readable_briefly(value)} is not a finite number")
    return number


def _double(value) -> float:
    """A number a double field holds: finite once written as a float."""
    number = _number(value)
    try:
        as_float = float(number)
    except OverflowError:
        as_float = math.inf
    if not math.isfinite(as_float):
        raise Unconvertible(f"{readable_briefly(value)} is too large for a number field")
    return number


def readable_briefly(value, limit: int = 40) -> str:
    """The answer quoted for a message, cut short: a problem must not carry a megabyte."""
    if isinstance(value, int) and value.bit_length() > 128:
        return f"a {value.bit_length()}-bit number"
    text = readable(value)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _datetime(value) -> str:
    text = readable(value)
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date().isoformat() if "%H" not in fmt else parsed.isoformat()
    raise Unconvertible(f"{readable_briefly(text)} is not a date")


def _enumeration(value, field: dict):
    by_text = {item["value"].strip().lower(): item["id"] for item in field.get("items") or []}
    wanted = value if isinstance(value, list) else [value]
    ids = []
    for option in wanted:
        item_id = by_text.get(readable(option).lower())
        if item_id is None:
            raise Unconvertible(f"{readable_briefly(option)} is not one of the field's options")
        ids.append(int(item_id) if str(item_id).isdigit() else item_id)
    if field.get("multiple"):
        return ids
    if len(ids) != 1:
        raise Unconvertible(f"{len(ids)} options for a single-choice field")
    return ids[0]


def phone(value: str) -> str:
    """A phone as digits with a leading +; Russian 8XXXXXXXXXX becomes +7XXXXXXXXXX."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits[0] == "8" and not (value or "").strip().startswith("+"):
        digits = "7" + digits[1:]
    return f"+{digits}" if digits else ""


def email(value: str) -> str:
    return (value or "").strip().lower()

