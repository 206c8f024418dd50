"""The `batch` method: encoding sub-calls as PHP-style query strings and reading per-command results."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping
from typing import Any
from urllib.parse import quote

from .error_table import error_for
from .errors import BitrixError

MAX_COMMANDS = 50


def php_query(params: Mapping[str, Any] | None) -> str:
    """Encode params the way PHP parses them: `filter[>ID]=5&select[]=ID&fields[PHONE][0][VALUE]=..`."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        _flatten(str(key), value, pairs)
    # `$result[key][...]` back-references stay readable; everything else is percent-encoded.
    return "&".join(f"{quote(k, safe='[]')}={quote(v, safe='$[]')}" for k, v in pairs)


def _flatten(prefix: str, value: Any, pairs: list) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, pairs)
    elif isinstance(value, (list, tuple)):
        scalars = not any(isinstance(item, (Mapping, list, tuple)) for item in value)
        for index, item in enumerate(value):
            _flatten(f"{prefix}[]" if scalars else f"{prefix}[{index}]", item, pairs)
    elif isinstance(value, bool):
        pairs.append((prefix, "1" if value else "0"))
    else:
        pairs.append((prefix, "" if value is None else str(value)))


def encode_commands(commands: Mapping[Hashable, tuple[str, Mapping | None]]) -> dict[str, str]:
    """`{key: (method, params)}` as the `cmd` map of a batch request."""
    if len(commands) > MAX_COMMANDS:
        raise ValueError(f"a batch takes at most {MAX_COMMANDS} commands, got {len(commands)}")
    cmd = {}
    for key, (method, params) in commands.items():
        query = php_query(params)
        cmd[str(key)] = f"{method}?{query}" if query else method
    return cmd


@dataclasses.dataclass
class BatchResult:
    """Per-command outcome of a batch, keyed by the caller's own keys."""

    results: dict
    errors: dict[Hashable, BitrixError]
    totals: dict
    nexts: dict

    def value(self, key):
        """The result of command `key`, or its error raised."""
        if key in self.errors:
            raise self.errors[key]
        return self.results.get(key)

    def raise_first(self) -> None:
        """Raise the first command error, if any."""
        for error in self.errors.values():
            raise error


def read_batch(answer: Mapping, commands: Mapping[Hashable, tuple[str, Any]]) -> BatchResult:
    """Turn a batch answer into a BatchResult; PHP's `[]` for empty maps and list-shaped maps tolerated."""
    body = answer.get("result") or {}
    keys = {str(key): key for key in commands}

    def by_key(section) -> dict:
        raw = body.get(section) if isinstance(body, Mapping) else None
        if isinstance(raw, list):
            # PHP sends keys 0..n-1 as a JSON list (and an empty map as `[]`).
            raw = dict(enumerate(raw))
        return {keys.get(str(k), k): v for k, v in (raw or {}).items()}

    errors = {}
    for key, raw in by_key("result_error").items():
        raw = raw if isinstance(raw, Mapping) else {"error_description": str(raw)}
        method = commands[key][0] if key in commands else None
        errors[key] = error_for(raw.get("error", ""), raw.get("error_description", ""),
                                raw.get("status"), method)
    return BatchResult(by_key("result"), errors, by_key("result_total"), by_key("result_next"))
