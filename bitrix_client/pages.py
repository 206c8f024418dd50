"""The shape of list answers: where the items are inside `result`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PAGE_SIZE = 50  # fixed by the portal


def items_of(result: Any, key: str | None = None) -> list:
    """The list inside a list method's result: a plain list, or `result[key]` for wrapped lists."""
    if result is None:
        return []
    if key is not None:
        # An empty map comes back from PHP as `[]`.
        return list(result.get(key) or []) if isinstance(result, Mapping) else list(result or [])
    if isinstance(result, list):
        return result
    if isinstance(result, Mapping) and len(result) == 1:
        (only,) = result.values()
        if isinstance(only, list):
            return only  # e.g. crm.category.list -> {"categories": [...]}
    raise TypeError("list result is not a list; pass the key that holds the items")
