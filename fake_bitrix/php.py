"""How PHP treats values the portal receives: casts, comparisons and ``isset`` on array offsets.

The real portal is PHP; where a value of the wrong type reaches it (an array where an ID was meant,
as a ``$result`` reference to a failed batch command produces), the outcome is PHP's, not an error.
Python dicts and lists stand for PHP arrays, ``None`` for null.
"""
import math
import re

_CANONICAL_INT = re.compile(r"-?[1-9][0-9]*|0")
_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
_LEADING_INT = re.compile(r"\s*[+-]?\d+")
INT_MAX = 2**63 - 1


def is_array(value) -> bool:
    return isinstance(value, dict | list)


def is_numeric(value) -> bool:
    """PHP's ``is_numeric``: numbers and numeric strings, never booleans, null or arrays."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _NUMERIC.fullmatch(value) is not None


def to_int(value) -> int:
    """PHP's ``(int)``: an array is 1 when it has elements and 0 when empty; "12abc" is 12."""
    if is_array(value):
        return 1 if value else 0
    if value is None:
        return 0
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and abs(value) <= INT_MAX else 0
    text = str(value)
    if _NUMERIC.fullmatch(text):
        number = float(text)
        return int(number) if abs(number) <= INT_MAX else 0
    leading = _LEADING_INT.match(text)
    return int(leading.group()) if leading else 0


def to_string(value) -> str:
    """PHP's ``(string)``: arrays become "Array", null "", true "1", false "", 1.0 "1"."""
    if is_array(value):
        return "Array"
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def greater_than_zero(value) -> bool:
    """PHP 8's ``$value > 0``: an array is always greater; a non-numeric string compares as text."""
    if is_array(value):
        return True
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return value > 0
    if is_numeric(value):
        return float(value) > 0
    return str(value) > "0"


def truthy(value) -> bool:
    """PHP's boolean conversion (what ``array_filter`` keeps): "0", "", 0, null and [] are false."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def offset(node, key: str):
    """``$node[$key]`` when ``isset($node[$key])`` holds, else raise KeyError.

    Integer-like keys ("0", "-1") address lists and string characters; a null value is not set.
    """
    if isinstance(node, dict):
        found = node[key] if key in node else node[int(key)] if _CANONICAL_INT.fullmatch(key) else None
    elif isinstance(node, list | str) and _CANONICAL_INT.fullmatch(key):
        index = int(key)
        if isinstance(node, list) and index < 0:
            raise KeyError(key)  # a PHP list has no negative keys; strings count from the end
        found = node[index] if -len(node) <= index < len(node) else None
    else:
        found = None
    if found is None:
        raise KeyError(key)
    return found
