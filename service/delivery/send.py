"""Sending a portal's waiting deliveries, packed into batches, each result created exactly once.

Per chunk of results: a round of reads (on a repeat attempt, the entities that already carry the
result's origin id; for a deal, the contact found by phone and e-mail), then rounds of writes until
nothing is left to send. A deal never points at a command that may fail (see writes.py): either
the contacts and companies go in one round and the deals, with their literal ids, in the next, or
each result's chain goes in one batch with `halt`, whichever takes fewer requests. Every id learned
is stored at once, so a later attempt creates only what is still missing; an attempt after an
unknown outcome (timeout) looks the result up by origin id before creating.

Each result stands alone: whatever its data or a bug makes one of them raise while it is planned,
sent or settled ends that result (`failed`, with a reason a person can read) and no other.
"""
import logging

from bitrix_client import BitrixError
from bitrix_client.batch import MAX_COMMANDS
from service.delivery import outcome, rounds, writes
from service.delivery.commands import ENTITIES
from service.delivery.plan import build
from service.delivery.work import Work
from storage import deliveries, lookups, portals, rules
from storage.db import UNAVAILABLE
from storage.records import Delivery

log = logging.getLogger(__name__)
CHUNK = 50  # results taken at once; their commands are packed into batches of at most 50
MAX_ROUNDS = 8  # write rounds per chunk; each one either finishes results or learns from failures
NO_LEADS = ("the Bitrix24 portal works without leads (simple CRM mode): it turns every new lead into a "
            "deal at once; change the quiz's rule to create deals")


def deliver_chunk(ctx, client, member_id: str) -> int:
    """Send the portal's oldest due deliveries, at most CHUNK of them; returns how many were handled.

    One chunk per call, so that a portal with a backlog takes turns with the others (see run_job).
    """
    due = deliveries.due(member_id, CHUNK)
    if not due:
        return 0
    fields = lookups.field_index(member_id)
    without_leads = portals.works_without_leads(member_id)
    live_rules = {quiz: rules.live(member_id, quiz) for quiz in {row.quiz_id for row in due}}
    works = [work for work in (_prepare(ctx, index, row, live_rules[row.quiz_id], fields, without_leads)
                               for index, row in enumerate(due)) if work is not None]
    by_key = {work.key: work for work in works}
    try:
        rounds.send(ctx, client, by_key, _groups(ctx, works, writes.lookups), write=False, halt=False)
        _same_people(works)
        _write(ctx, client, works, by_key)
    except BitrixError as error:
        outcome.put_back(works, error)
        raise
    for work in works:
        outcome.settle(ctx, work)
    return len(due)


def _prepare(ctx, key: int, row: Delivery, rule, fields: dict, without_leads: bool) -> Work | None:
    if rule is None:
        deliveries.update(row.id, status=deliveries.FAILED, last_error="the quiz has no rule any more")
        return None
    work = Work(key, row, None, lookup=row.attempts > 0 or row.last_error is not None,
                ids={entity: getattr(row, f"{entity}_id") for entity in ENTITIES}, problems=[])
    deliveries.update(row.id, status=deliveries.SENDING, attempts=work.attempts)
    try:
        work.plan = build(row.id, row.quiz_id, rule.request, row.payload, fields)
    except UNAVAILABLE:
        raise
    except Exception as error:  # noqa: BLE001 - one result's data must not stop the others
        rounds.internal_error(ctx, work, "planning", error)
        return work
    work.problems += work.plan.problems
    if work.planned("lead") and without_leads:
        work.fail(NO_LEADS)
    return work


def _groups(ctx, works: list[Work], commands_of) -> dict[int, list]:
    """Each result's commands, a result sharing an earlier one's new contact in that one's group.

    A result whose commands would refer to a command that is not earlier in its group, or would
    make the group too big for one batch, waits for the next round (it then has literal ids).
    """
    groups = {}
    for work in works:
        if work.plan is None or not work.active:
            continue
        commands = commands_of(work)
        group = groups.get((work.leader or work).key, [])
        if (not commands or len(group) + len(commands) > MAX_COMMANDS
                or not _references_resolve(group, commands) or not rounds.encodable(ctx, work, commands)):
            continue
        groups[(work.leader or work).key] = group + commands
    return groups


def _references_resolve(group: list, commands: list) -> bool:
    """Every `$result[...]` in `commands` names a command sent before it in the same group."""
    known = {command.reference() for command in group}
    for command in commands:
        if any(reference not in known for reference in _references(command.params)):
            return False
        known.add(command.reference())
    return True


def _references(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)
    elif isinstance(value, str) and value.startswith("$result["):
        yield value


def _same_people(works: list[Work]) -> None:
    """Point each result at an earlier one of the chunk creating the same new contact (phone or e-mail)."""
    first = {}
    for work in works:
        if work.plan is None or not work.active or not work.wants("contact"):
            continue
        keys = [key for key in (("PHONE", work.plan.phone), ("EMAIL", work.plan.email)) if key[1]]
        work.leader = next((first[key] for key in keys if key in first), None)
        if work.leader is None:
            first.update(dict.fromkeys(keys, work))


def _write(ctx, client, works: list[Work], by_key: dict) -> None:
    chained = _chained_is_cheaper(works)
    for _ in range(MAX_ROUNDS):
        _follow_leaders(works)
        groups = _groups(ctx, works, lambda work: writes.next_writes(work, chained))
        if not groups or not rounds.send(ctx, client, by_key, groups, write=True, halt=chained):
            return


def _chained_is_cheaper(works: list[Work]) -> bool:
    """Whether chains sent with `halt` take no more batches than contacts first, deals second."""
    chained = _batches(_sizes(works, chained=True))
    staged = _batches(_sizes(works, chained=False))
    waiting = sum(1 for work in works if work.plan is not None and work.active and work.wants("deal")
                  and not any(c.entity == "deal" for c in writes.next_writes(work, chained=False)))
    return chained <= staged + -(-waiting // MAX_COMMANDS)


def _sizes(works: list[Work], chained: bool) -> list[int]:
    sizes = {}
    for work in works:
        if work.plan is not None and work.active:
            count = len(writes.next_writes(work, chained))
            if count:
                key = (work.leader or work).key if chained else work.key
                sizes[key] = sizes.get(key, 0) + count
    return list(sizes.values())


def _batches(sizes: list[int]) -> int:
    count, room = 0, 0
    for size in sizes:
        if size > room:
            count, room = count + 1, MAX_COMMANDS
        room -= size
    return count


def _follow_leaders(works: list[Work]) -> None:
    """A result sharing an earlier result's new contact learns its fate."""
    for work in works:
        leader = work.leader
        if leader is None or not work.wants("contact"):
            continue
        if leader.ids["contact"] is not None:
            rounds.remember(work, "contact", leader.ids["contact"])
        elif "contact" in leader.refused:
            work.refused.add("contact")
            work.problems.append("contact: Bitrix24 refused to create it; the deal goes without it")
        elif leader.error is not None:
            work.error = leader.error  # the shared contact may exist now: look before creating
        elif leader.failure is not None:
            work.leader = None  # it never asked for the contact: this result creates it
