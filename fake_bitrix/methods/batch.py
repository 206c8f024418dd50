"""``batch``: up to 50 ``"method?query"`` commands run in order, with ``$result[key][...]`` references.

The answer is HTTP 200 even when commands fail; each of the five maps is ``[]`` when empty (PHP).
Commands keep the maps the rest module keeps while it runs (``result``, ``next``, ``total``, ``time``,
``error``) and references resolve against them (``references.py``). A fault injected into one
command (``Portal.fail`` / ``refuse`` / ``lose_answer``) fails that command only, or drops the whole
connection after the commands before it ran.
"""
import dataclasses
import time

from .. import phpquery
from ..envelope import BitrixError, Listing, php_array, time_block, truthy
from ..faults import strike
from .references import resolve
from .registry import BASIC, invoke, method

MAX_COMMANDS = 50
_TOO_MANY = ("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
_ANSWER_NAMES = {"result": "result", "error": "result_error", "total": "result_total", "next": "result_next",
                 "time": "result_time"}


@method("batch", scope=BASIC)
def batch(call, params: dict):
    commands = params.get("cmd") or {}
    commands = dict(enumerate(commands)) if isinstance(commands, list) else commands
    if not isinstance(commands, dict):
        raise BitrixError(400, "INVALID_REQUEST", "Parameter 'cmd' must be array")
    if len(commands) > MAX_COMMANDS and call.portal.batch_overflow == "request":
        raise BitrixError(400, *_TOO_MANY)
    so_far = {"result": {}, "next": {}, "total": {}, "time": {}, "error": {}}  # the rest module's $arResult
    sub_call = dataclasses.replace(call, in_batch=True)
    for position, (key, command) in enumerate(commands.items()):
        if position >= MAX_COMMANDS:
            _record_error(so_far, key, BitrixError(400, *_TOO_MANY))
            continue
        began, clock_began = time.perf_counter(), call.portal.clock.now()
        try:
            result = _run(sub_call, str(command), so_far)
        except BitrixError as error:
            _record_error(so_far, key, error)
            if truthy(params.get("halt", 0)):
                break
            continue
        so_far["result"][key] = result.result if isinstance(result, Listing) else result
        if isinstance(result, Listing):
            so_far["total"][key] = result.total
            if result.next is not None:
                so_far["next"][key] = result.next
        spent = time.perf_counter() - began
        so_far["time"][key] = time_block(clock_began, clock_began + spent, spent)
    return {answer: php_array(so_far[name]) for name, answer in _ANSWER_NAMES.items()}


def _record_error(so_far: dict, key, error: BitrixError) -> None:
    # The rest module stores ``$res['error'] = $res`` and then every key of $res, so a failed command
    # also leaves an ``error_description`` map behind (a name references can match, too).
    so_far["error"][key] = error.body()
    so_far.setdefault("error_description", {})[key] = error.description


def _run(call, command: str, so_far: dict):
    name, _, query = command.partition("?")
    name = name.strip().lower().removesuffix(".json")
    params = resolve(phpquery.parse(query), so_far)
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
