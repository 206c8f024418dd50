"""PHP-style query strings (``filter[>ID]=5&select[]=ID``), as Bitrix24 reads and clients write them."""
import re
from urllib.parse import parse_qsl, quote

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def parse(query: str) -> dict:
    """Decode a query string into nested dicts; arrays indexed 0..n-1 become lists, as PHP's would."""
    root: dict = {}
    for raw_key, value in parse_qsl(query, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if not match:
            root[raw_key] = value
            continue
        path = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        _put(root, path, value)
    return _lists(root)


def _put(node: dict, path: list, value: str) -> None:
    for depth, part in enumerate(path):
        key = _next_index(node) if part == "" else _key(part)
        if depth == len(path) - 1:
            node[key] = value
            return
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child


def _key(part: str):
    return int(part) if part.isdigit() and (part == "0" or not part.startswith("0")) else part


def _next_index(node: dict) -> int:
    return max((key + 1 for key in node if isinstance(key, int)), default=0)


def _lists(node):
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and list(converted) == list(range(len(converted))):
        return list(converted.values())
    return {str(key): value for key, value in converted.items()}


def build(params: dict) -> str:
    """Encode nested dicts and lists the way PHP's http_build_query does."""
    return "&".join(f"{quote(key, safe='[]')}={quote(str(value), safe='')}" for key, value in pairs(params))


def pairs(params: dict) -> list:
    """Nested dicts and lists as flat ``(key, value)`` pairs: ``("auth[member_id]", "...")``."""
    flat: list = []
    for key, value in params.items():
        _flatten(str(key), value, flat)
    return flat


def _flatten(prefix: str, value, pairs: list) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, pairs)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, pairs)
    elif isinstance(value, bool):
        pairs.append((prefix, int(value)))
    elif value is not None:
        pairs.append((prefix, value))
