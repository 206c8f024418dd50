"""``batch``: up to 50 ``"method?query"`` commands run in order, with ``$result[key][...]`` references.

The answer is HTTP 200 even when commands fail; each of the five maps is ``[]`` when empty (PHP).
A fault injected into one command (``Portal.fail`` / ``refuse`` / ``lose_answer``) fails that
command only, or drops the whole connection after the commands before it ran.
"""
import dataclasses
import re
import time

from .. import phpquery
from ..envelope import BitrixError, Listing, php_array, time_block, truthy
from ..faults import strike
from .registry import BASIC, invoke, method

MAX_COMMANDS = 50
_REFERENCE = re.compile(r"\$result\[([^\[\]]*)\]((?:\[[^\[\]]*\])*)")
_TOO_MANY = ("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")


@method("batch", scope=BASIC)
def batch(call, params: dict):
    commands = params.get("cmd") or {}
    commands = dict(enumerate(commands)) if isinstance(commands, list) else commands
    if not isinstance(commands, dict):
        raise BitrixError(400, "INVALID_REQUEST", "Parameter 'cmd' must be array")
    if len(commands) > MAX_COMMANDS and call.portal.batch_overflow == "request":
        raise BitrixError(400, *_TOO_MANY)
    outcome = {name: {} for name in ("result", "result_error", "result_total", "result_next", "result_time")}
    values = {}  # str(key) -> result, for references
    sub_call = dataclasses.replace(call, in_batch=True)
    for position, (key, command) in enumerate(commands.items()):
        if position >= MAX_COMMANDS:
            outcome["result_error"][key] = {"error": _TOO_MANY[0], "error_description": _TOO_MANY[1]}
            continue
        began, clock_began = time.perf_counter(), call.portal.clock.now()
        try:
            result = _run(sub_call, str(command), values)
        except BitrixError as error:
            outcome["result_error"][key] = error.body()
            if truthy(params.get("halt", 0)):
                break
            continue
        plain = result.result if isinstance(result, Listing) else result
        values[str(key)] = outcome["result"][key] = plain
        if isinstance(result, Listing):
            outcome["result_total"][key] = result.total
            if result.next is not None:
                outcome["result_next"][key] = result.next
        spent = time.perf_counter() - began
        outcome["result_time"][key] = time_block(clock_began, clock_began + spent, spent)
    return {name: php_array(mapping) for name, mapping in outcome.items()}


def _run(call, command: str, values: dict):
    name, _, query = command.partition("?")
    name = name.strip().lower().removesuffix(".json")
    params = _resolve(phpquery.parse(query), values)
    params.pop("auth", None)
    portal = call.portal
    portal.counters.count_method(name)
    portal.counters.bump("batch_commands")
    if name == "batch":
        raise BitrixError(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage")
    fault = portal.faults.take(name, named_only=True)
    if fault is not None:
        portal.counters.bump("faults")
    if fault is not None and not fault.after_effect:
        strike(fault, portal.stopping)
    result = invoke(call, name, params)
    if fault is not None:
        strike(fault, portal.stopping)
    return result


def _resolve(value, values: dict):
    """Replace ``$result[key][field]...`` with earlier results (whole values keep their type)."""
    if isinstance(value, dict):
        return {key: _resolve(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, values) for item in value]
    if not isinstance(value, str) or "$result" not in value:
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        return _lookup(whole, values)
    return _REFERENCE.sub(lambda match: str(_lookup(match, values)), value)


def _lookup(match, values: dict):
    node = values.get(match.group(1))
    for part in re.findall(r"\[([^\[\]]*)\]", match.group(2)):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            node = None
    return "" if node is None else node
