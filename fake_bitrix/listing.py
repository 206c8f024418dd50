"""Filter, order and page rows the way Bitrix24 list methods do (50 a page, ``start``, ``>ID``).

Rows are dicts in REST shape. A fast path keeps ``order {ID: ASC}`` + ``>ID`` + ``start=-1`` scans
cheap on 100,000 rows: rows kept in ID order are entered by binary search instead of a full scan.
"""
import bisect
import functools
import re
from dataclasses import dataclass

from .envelope import PAGE_SIZE, Listing

_OPERATOR = re.compile(r"^(>=|<=|!@|!=%|!%=|!%|=%|%=|!=|>|<|@|%|=|!)?(.+)$")


@dataclass
class Condition:
    op: str
    field: str
    value: object

    def holds(self, row: dict) -> bool:
        values = _values(row.get(self.field))
        negated = self.op.startswith("!")
        op = self.op.lstrip("!") or "="
        if op == "=" or op == "@":
            wanted = self.value if isinstance(self.value, list) else _split(self.value, op)
            hit = any(_equal(value, item) for value in values for item in wanted)
        elif "%" in op:
            needle = str(self.value).lower()
            hit = any(_like(op, str(value).lower(), needle) for value in values if value is not None)
        else:
            number, text = self._bound
            hit = any(_compare(op, value, number, text) for value in values if value not in (None, ""))
        return hit != negated

    @functools.cached_property
    def _bound(self) -> tuple:
        # Worked out once per condition, not per row: a `$result` reference to a short page makes
        # the bound the whole map of results so far (methods/references.py), large to turn to text.
        return _number(self.value), str(self.value)


def _split(value, op: str) -> list:
    if op == "@" and isinstance(value, str):
        return value.split(",")
    return [value]


def _values(value) -> list:
    if isinstance(value, list):
        # multi-fields (PHONE, EMAIL) match on their VALUE
        return [item.get("VALUE") if isinstance(item, dict) else item for item in value] or [None]
    return [value]


def _equal(value, wanted) -> bool:
    if isinstance(value, bool):
        return value == (str(wanted).lower() in {"y", "true", "1"})
    if value is None:
        return wanted in ("", None)
    number, other = _number(value), _number(wanted)
    if number is not None and other is not None:
        return number == other
    return str(value).lower() == str(wanted).lower()


def _like(op: str, value: str, needle: str) -> bool:
    if op == "=%":
        return value.startswith(needle)
    if op == "%=":
        return value.endswith(needle)
    return needle in value


def _compare(op: str, value, bound_number, bound_text: str) -> bool:
    left, right = _number(value), bound_number
    if left is None or right is None:
        left, right = str(value), bound_text
    return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]


def _number(value):
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def conditions(flt, upper: bool = True) -> list:
    """Parse ``{">ID": 5, "STATUS_ID": "NEW"}`` into conditions (field names upper-cased if asked)."""
    result = []
    for key, value in (flt or {}).items():
        match = _OPERATOR.match(str(key))
        field = match.group(2).upper() if upper else match.group(2)
        result.append(Condition(match.group(1) or "", field, value))
    return result


def start_of(params: dict):
    """The ``start`` parameter: an offset, or -1 for "do not count"."""
    try:
        start = int(params.get("start") or 0)
    except (TypeError, ValueError):
        return 0
    return -1 if start == -1 else max(start, 0)


def ordering(order, upper: bool = True) -> dict:
    """Parse ``{"ID": "asc"}``; anything but a mapping means the default order."""
    if not isinstance(order, dict):
        return {}
    return {(str(name).upper() if upper else str(name)): str(direction).upper()
            for name, direction in order.items()}


def page(rows, conds: list, order: dict, start: int, id_field: str = "ID", key: str | None = None,
         transform=None) -> Listing:
    """One page of ``rows`` matching ``conds`` in ``order`` (see ``ordering``); ``start=-1``: no count."""
    if _by_id_ascending(order, id_field) and _id_sorted(rows, id_field):
        picked, total = _scan_in_id_order(rows, conds, start, id_field)
    else:
        matched = _sorted([row for row in rows if all(c.holds(row) for c in conds)], order)
        offset = max(start, 0)
        picked, total = matched[offset:offset + PAGE_SIZE], len(matched)
    items = [transform(row) for row in picked] if transform else list(picked)
    if start == -1:
        return Listing(items, 0, None, key)
    more = start + PAGE_SIZE < total
    return Listing(items, total, start + PAGE_SIZE if more else None, key)


def _by_id_ascending(order: dict, id_field: str) -> bool:
    return not order or list(order.items()) == [(id_field, "ASC")]


_last_check: list = [None, -1, None, False]  # rows, length, id field, sorted?


def _id_sorted(rows, id_field: str) -> bool:
    # Checked once per list and length: tests may append rows, and then it is checked again.
    checked_rows, length, field, known = _last_check
    if checked_rows is rows and length == len(rows) and field == id_field:
        return known
    ids = [int(row[id_field]) for row in rows]
    known = all(a < b for a, b in zip(ids, ids[1:], strict=False))
    _last_check[:] = [rows, len(rows), id_field, known]
    return known


def _scan_in_id_order(rows, conds: list, start: int, id_field: str):
    first = 0
    for cond in conds:
        if cond.field == id_field and cond.op in (">", ">=") and _number(cond.value) is not None:
            bound = _number(cond.value)
            side = bisect.bisect_right if cond.op == ">" else bisect.bisect_left
            first = max(first, side(rows, bound, key=lambda row: int(row[id_field])))
    offset = max(start, 0)
    picked, total = [], 0
    for index in range(first, len(rows)):
        row = rows[index]
        if all(c.holds(row) for c in conds):
            if offset <= total < offset + PAGE_SIZE:
                picked.append(row)
            total += 1
            if start == -1 and len(picked) == PAGE_SIZE:
                break
    return picked, total


def _sorted(rows: list, order: dict) -> list:
    for name, direction in reversed(list(order.items())):
        numeric = all(_number(row.get(name)) is not None for row in rows)
        rows.sort(key=lambda row, name=name, numeric=numeric: _sort_key(row.get(name), numeric),
                  reverse=direction == "DESC")
    return rows


def _sort_key(value, numeric: bool):
    return _number(value) if numeric else ("" if value is None else str(value).lower())
