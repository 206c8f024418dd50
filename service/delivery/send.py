"""Sending a portal's waiting deliveries, packed into batches, each result created exactly once.

Per chunk of results: one batch of reads (on a repeat attempt, the entities that already carry
this result's origin id; for a deal, the contact found by phone and e-mail), then the writes
(contact, company, then the lead or the deal pointing at them by `$result` references; or, when
that saves requests, the contacts and companies in one round and the deals with their ids in the
next). Every id learned is stored at once, so a later attempt creates only what is still missing;
an attempt after an unknown outcome (timeout) looks the result up by origin id before creating.
"""
import dataclasses
import logging
from datetime import timedelta

from bitrix_client import BitrixError, backoff
from bitrix_client.batch import MAX_COMMANDS
from service.delivery.plan import Plan, build, origin
from storage import deliveries, lookups, rules
from storage.columns import utcnow
from storage.records import Delivery

log = logging.getLogger(__name__)
CHUNK = 50  # results taken at once; their commands are packed into batches of at most 50
ENTITIES = ("lead", "deal", "contact", "company")


@dataclasses.dataclass
class Work:
    key: int
    row: Delivery  # as read when the chunk was taken
    plan: Plan
    lookup: bool
    ids: dict  # entity -> id in the portal, as known now
    error: BitrixError | None = None
    leader: "Work | None" = None  # an earlier result of the chunk creating this result's contact

    @property
    def attempts(self) -> int:
        return self.row.attempts + 1


def deliver_pending(ctx, client, member_id: str) -> int:
    """Send every due delivery of the portal; returns how many were handled."""
    fields = lookups.field_index(member_id)
    handled = 0
    while True:
        due = deliveries.due(member_id, CHUNK)
        if not due:
            return handled
        live_rules = {quiz: rules.live(member_id, quiz) for quiz in {row.quiz_id for row in due}}
        works = [work for work in (_prepare(index, row, live_rules[row.quiz_id], fields)
                                   for index, row in enumerate(due)) if work is not None]
        _read(client, works)
        _same_people(works)
        _write(client, works)
        for work in works:
            _settle(ctx, work)
        handled += len(due)


def _prepare(key: int, row: Delivery, rule, fields: dict) -> Work | None:
    if rule is None:
        deliveries.update(row.id, status=deliveries.FAILED, last_error="the quiz has no rule any more")
        return None
    plan = build(row.id, row.quiz_id, rule.request, row.payload, fields)
    # Anything earlier may have reached Bitrix24 (a timeout says nothing): look before creating.
    lookup = row.attempts > 0 or row.last_error is not None
    deliveries.update(row.id, status=deliveries.SENDING, attempts=row.attempts + 1, problems=plan.problems)
    ids = {entity: getattr(row, f"{entity}_id") for entity in ENTITIES}
    return Work(key, row, plan, lookup, ids)


def _read(client, works: list[Work]) -> None:
    groups = {}
    for work in works:
        commands, row, plan = {}, work.row, work.plan
        if work.lookup:
            for entity in ENTITIES:
                if getattr(plan, entity) is not None and work.ids[entity] is None:
                    commands[f"o{entity[:2]}_{work.key}"] = (f"crm.{entity}.list", {
                        "filter": origin(row.id), "select": ["ID"]})
        if plan.contact is not None and work.ids["contact"] is None:
            for kind, value in (("PHONE", plan.phone), ("EMAIL", plan.email)):
                if value:
                    commands[f"{kind[:2].lower()}_{work.key}"] = ("crm.duplicate.findbycomm", {
                        "type": kind, "values": [value], "entity_type": "CONTACT"})
        if commands:
            groups[work.key] = commands
    results = _run(client, works, groups, write=False)
    for work in works:
        found = results.get(work.key, {})
        for entity in ENTITIES:
            items = found.get(f"o{entity[:2]}_{work.key}")
            if items:
                _learn(work, entity, items[0]["ID"])
        for kind in ("ph", "em"):
            match = found.get(f"{kind}_{work.key}")
            if work.ids["contact"] is None and isinstance(match, dict) and match.get("CONTACT"):
                _learn(work, "contact", min(match["CONTACT"]))


def _same_people(works: list[Work]) -> None:
    """Point each result at an earlier one of the chunk creating the same new contact (phone or e-mail)."""
    first = {}
    for work in works:
        if work.plan.contact is None or work.ids["contact"] is not None or work.error is not None:
            continue
        keys = [key for key in (("PHONE", work.plan.phone), ("EMAIL", work.plan.email)) if key[1]]
        work.leader = next((first[key] for key in keys if key in first), None)
        if work.leader is None:
            first.update(dict.fromkeys(keys, work))


def _write(client, works: list[Work]) -> None:
    groups = _write_groups(works)
    first = _only(groups, "cm")
    if _batches(first) + _batches(_only(groups, "dul")) < _batches(groups):
        # Results that each create a contact, a company and a deal pack badly as unsplittable
        # groups of three: create the contacts and companies first, then the deals with their ids.
        _learn_all(works, _run(client, works, first, write=True))
        for work in works:
            work.leader = None
        groups = _write_groups(works)
    _learn_all(works, _run(client, works, groups, write=True))


def _write_groups(works: list[Work]) -> dict:
    groups = {}
    for work in works:
        if work.error is None:
            commands = _writes(work)
            # The same person's results go in one group: their deals point at the contact by `$result`.
            if work.leader is not None and len(groups[work.leader.key]) + len(commands) > MAX_COMMANDS:
                work.leader = None
                commands = _writes(work)
            if commands:
                groups.setdefault((work.leader or work).key, {}).update(commands)
    return groups


def _only(groups: dict, prefixes: str) -> dict:
    """The groups' commands whose key starts with one of `prefixes` (c contact, m company, d deal...)."""
    kept = {key: {name: command for name, command in commands.items() if name[0] in prefixes}
            for key, commands in groups.items()}
    return {key: commands for key, commands in kept.items() if commands}


def _batches(groups: dict) -> int:
    """How many batches `_run` sends for these groups."""
    count, size = 0, MAX_COMMANDS
    for commands in groups.values():
        if size + len(commands) > MAX_COMMANDS:
            count, size = count + 1, 0
        size += len(commands)
    return count


def _learn_all(works: list[Work], results: dict) -> None:
    for work in works:
        for command, value in results.get(work.key, {}).items():
            entity = {"l": "lead", "d": "deal", "c": "contact", "m": "company"}.get(command.split("_")[0])
            if entity and value:
                _learn(work, entity, value)
        if work.leader is not None and work.leader.ids["contact"] is not None:
            _learn(work, "contact", work.leader.ids["contact"])


def _writes(work: Work) -> dict:
    ids, plan, key = work.ids, work.plan, work.key
    if plan.lead is not None:
        return {f"l_{key}": ("crm.lead.add", {"fields": plan.lead})} if ids["lead"] is None else {}
    commands, links = {}, {}
    if work.leader is not None:
        links["CONTACT_IDS"] = [f"$result[c_{work.leader.key}]"]
    elif plan.contact is not None and ids["contact"] is None:
        commands[f"c_{key}"] = ("crm.contact.add", {"fields": plan.contact})
        links["CONTACT_IDS"] = [f"$result[c_{key}]"]
    elif ids["contact"] is not None:
        links["CONTACT_IDS"] = [ids["contact"]]
    if plan.company is not None and ids["company"] is None:
        commands[f"m_{key}"] = ("crm.company.add", {"fields": plan.company})
        links["COMPANY_ID"] = f"$result[m_{key}]"
    elif ids["company"] is not None:
        links["COMPANY_ID"] = ids["company"]
    if ids["deal"] is None:
        commands[f"d_{key}"] = ("crm.deal.add", {"fields": {**plan.deal, **links}})
    elif commands or work.leader is not None:
        # The deal exists but a contact or company it should point at is only being created now.
        commands[f"u_{key}"] = ("crm.deal.update", {"id": ids["deal"], "fields": links})
    return commands


def _run(client, works: list[Work], groups: dict, write: bool) -> dict:
    """Send the command groups (never splitting one result's group) in batches of at most 50."""
    by_key = {work.key: work for work in works}
    results, batch, members = {}, {}, []
    pending = list(groups.items())
    while pending or batch:
        if pending and len(batch) + len(pending[0][1]) <= MAX_COMMANDS:
            _, commands = pending.pop(0)
            batch.update(commands)
            members += [int(command.rsplit("_", 1)[1]) for command in commands]
            continue
        try:
            answer = client.batch(batch, write=write)
        except BitrixError as error:
            if error.stale:
                raise
            for key in members:
                by_key[key].error = error
        else:
            for command, error in answer.errors.items():
                by_key[int(command.rsplit("_", 1)[1])].error = error
            for command, value in answer.results.items():
                results.setdefault(int(command.rsplit("_", 1)[1]), {})[command] = value
        batch, members = {}, []
    return results


def _learn(work: Work, entity: str, value) -> None:
    try:
        entity_id = int(value)
    except (TypeError, ValueError):
        return
    work.ids[entity] = entity_id
    deliveries.update(work.row.id, **{f"{entity}_id": entity_id})


def _settle(ctx, work: Work) -> None:
    settings, error, delivery_id = ctx.settings, work.error, work.row.id
    if error is None and _complete(work):
        deliveries.update(delivery_id, status=deliveries.DELIVERED, last_error=None, delivered_at=utcnow())
        ctx.metrics.deliveries.labels("delivered").inc()
        return
    reason = f"{type(error).__name__}: {error}"[:500] if error else "not every entity was created yet"
    if work.attempts >= settings.delivery_max_attempts or (error is not None and not error.retryable
                                                           and not error.request_may_have_run):
        deliveries.update(delivery_id, status=deliveries.FAILED, last_error=reason)
        ctx.metrics.deliveries.labels("failed").inc()
        log.warning("delivery %s failed for good: %s", delivery_id, reason)
        return
    ctx.metrics.deliveries.labels("retry").inc()
    delay = backoff(work.attempts, settings.job_retry_base_seconds, settings.job_retry_max_seconds)
    deliveries.update(delivery_id, status=deliveries.QUEUED, last_error=reason,
                      next_attempt_at=utcnow() + timedelta(seconds=delay))


def _complete(work: Work) -> bool:
    return all(getattr(work.plan, entity) is None or work.ids[entity] is not None for entity in ENTITIES)
