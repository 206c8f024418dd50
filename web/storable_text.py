"""Text a database can store, checked before anything is stored.

JSON can carry two things no column of ours takes: NUL (`"\\u0000"`; PostgreSQL's text refuses it)
and an unpaired UTF-16 surrogate (`"\\ud800"`; no encoding writes it, so both databases fail). Either
used to end in a 500 after part of the work was done. Both are refused on every database, so an
answer never depends on which one a deployment runs, and in every argument of a handler, stored
or not, so the rule is one.
"""
import re

from service.quiz_keys import shown

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
RULE = "contains a character that cannot be stored (NUL or an unpaired surrogate)"


def is_storable(text: str) -> bool:
    """Whether a database can store `text` as it is."""
    return _UNSTORABLE.search(text) is None


def _name(key) -> str:
    key = str(key)
    return key if len(key) <= 40 and is_storable(key) and "." not in key else shown(key)


def _all_storable(value) -> bool:
    """The quick question, asked of every request: every text (keys too) in `value` can be stored."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item) is not None:
                return False
        elif isinstance(item, dict):
            if any(isinstance(key, str) and _UNSTORABLE.search(key) is not None for key in item):
                return False
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    return True


def unstorable_field(value, path: str) -> str | None:
    """The field (`answers.12`, `contact`) of the first text in `value` that cannot be stored, or None.

    Keys count as text: a bad key is reported as its map's field. Walked without recursion, since a
    value may be nested as deep as its parser allowed; names are built only when something is wrong.
    """
    if _all_storable(value):
        return None
    pending = [(path, value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and not is_storable(key):
                    return where or "body"
                pending.append((f"{where}.{_name(key)}" if where else _name(key), child))
        elif isinstance(item, (list, tuple)):
            pending.extend((f"{where}.{index}", child) for index, child in enumerate(item))
    return None
