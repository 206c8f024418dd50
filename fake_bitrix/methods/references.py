"""``$result[key][field]`` in batch commands, resolved the way the rest module does it.

Source: ``CRestUtil::processBatchElement`` and ``processBatchStructure`` (rest module,
``classes/general/rest_util.php``; see docs/bitrix24.md, "Batch: references to failed commands").
What the server does, and so the fake:

- A reference is ``$`` + the name of one of the batch's maps so far (``result``, ``next``, ``total``,
  ``time``, ``error``; case-insensitive match, case-sensitive lookup) + everything up to the next
  whitespace; every ``[...]`` in that stretch is one key.
- The keys are walked from the map; the walk stops at the first key that is not set (missing, or
  null) and keeps the node it reached. A reference to a failed or missing command therefore
  reaches the whole ``result`` map of the commands that succeeded so far.
- A parameter that is exactly one reference takes that node whatever its type (a number, a row,
  the whole map). A reference inside a longer text is replaced only by a number or a string;
  otherwise the reference text stays as it was.

The server also runs parameter *names* through this (a name that is exactly ``$...[...]`` becomes
""); ``parse_str`` leaves no such names in practice, so the fake does not.
"""
import copy
import re

from .. import php

_REST = r"([^ \t\n\x0b\f\r]*)"  # PCRE's \s without /u: ASCII whitespace only
_KEYS = re.compile(r"\[([^\]]+)\]")


def resolve(params, so_far: dict):
    """``params`` (parsed query of one command) with references into ``so_far`` replaced."""
    maps = "|".join(re.escape(name) for name in so_far)
    return _structure(params, so_far, re.compile(rf"\$({maps})" + _REST, re.IGNORECASE))


def _structure(params, so_far: dict, pattern):
    if isinstance(params, list):
        return [_value(item, so_far, pattern) for item in params]
    if not isinstance(params, dict):
        return _element(params, so_far, pattern)
    return {key: _value(item, so_far, pattern) for key, item in params.items()}


def _value(item, so_far: dict, pattern):
    if isinstance(item, dict | list):
        return _structure(item, so_far, pattern)
    return _element(item, so_far, pattern)


def _element(text, so_far: dict, pattern):
    if not isinstance(text, str) or "$" not in text:
        return text
    query = text
    for match in list(pattern.finditer(text)):
        keys = _KEYS.findall(match.group(2))
        if not keys:
            continue
        node = _walk(so_far.get(match.group(1)), keys)
        if match.group(0) == query:
            query = copy.deepcopy(node)  # a copy: the maps grow as later commands run
            continue
        if php.is_numeric(node):
            node = php.to_string(node)
        if isinstance(node, str) and isinstance(query, str):
            query = query.replace(match.group(0), node)
    return query


def _walk(node, keys: list):
    for key in keys:
        try:
            node = php.offset(node, key)
        except KeyError:
            break
    return node
