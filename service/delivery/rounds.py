"""Sending a round of commands for a chunk's results in batches, and learning from the answers.

A result's commands (with those of the results sharing its new contact) form a group that is never
split across batches; a round packs groups into batches of at most 50 commands. What a batch
answers is applied to each result alone: an id learned, a refusal noted, an error kept for a
retry. A whole batch the portal refuses is sent again result by result, so that one result's data
cannot fail the others.
"""
import logging

from bitrix_client import BitrixError, ServerError
from bitrix_client.batch import MAX_COMMANDS, encode_commands
from service.delivery import commands as cmd
from service.delivery.work import Work
from service.delivery.writes import carried
from storage import deliveries
from storage.db import UNAVAILABLE

log = logging.getLogger(__name__)


def send(ctx, client, works: dict[int, Work], groups: dict[int, list[cmd.Command]], *, write: bool,
         halt: bool) -> bool:
    """Send the groups; True when anything changed for a result (so another round may help)."""
    changed = False
    for batch in _pack(works, groups):
        changed |= _send_batch(ctx, client, works, batch, write=write, halt=halt)
    return changed


def encodable(ctx, work: Work, commands: list[cmd.Command]) -> bool:
    """Whether the commands can be put into a batch; a result whose data cannot fails alone."""
    try:
        encode_commands({command.key: (command.method, command.params) for command in commands})
        return True
    except UNAVAILABLE:
        raise
    except Exception as error:  # noqa: BLE001 - one result's data must not stop the others
        internal_error(ctx, work, "encoding its commands", error)
        return False


def internal_error(ctx, work: Work, stage: str, error: Exception) -> None:
    log.error("delivery %s: internal error while %s (%s)", work.delivery.id, stage, type(error).__name__,
              exc_info=error)
    ctx.metrics.delivery_errors.labels(stage.split()[0]).inc()
    work.fail(f"internal error while {stage} ({type(error).__name__}); the service's log has the details")


def _pack(works: dict[int, Work], groups: dict[int, list[cmd.Command]]):
    batch = []
    for group in groups.values():
        alone = any(works[command.work].solo for command in group)
        if batch and (alone or len(batch) + len(group) > MAX_COMMANDS):
            yield cmd.Batch(batch)
            batch = []
        batch += group
        if alone:
            yield cmd.Batch(batch)
            batch = []
    if batch:
        yield cmd.Batch(batch)


def _send_batch(ctx, client, works: dict[int, Work], batch: cmd.Batch, *, write: bool, halt: bool) -> bool:
    members = [works[key] for key in sorted(batch.works)]
    try:
        answer = client.batch(batch.payload(), halt=halt, write=write)
    except BitrixError as error:
        if error.stale or error.hold:
            raise  # the portal, not these results: the job decides (see send.deliver_chunk)
        return _whole_batch_failed(members, error)
    except UNAVAILABLE:
        raise
    except Exception as error:  # noqa: BLE001 - the outcome is unknown: look before creating next time
        log.error("delivery batch of %d results: internal error (%s)", len(members), type(error).__name__,
                  exc_info=error)
        ctx.metrics.delivery_errors.labels("sending").inc()
        unknown = ServerError("", f"internal error while sending ({type(error).__name__})",
                              request_may_have_run=True)
        for work in members:
            work.error = unknown
        return True
    changed = False
    for command, result, error in batch.outcomes(answer):
        work = works[command.work]
        changed = True
        if error is None:
            learn(work, command, result)
        else:
            _command_failed(work, command, error)
    return changed


def _whole_batch_failed(members: list[Work], error: BitrixError) -> bool:
    if error.retryable or error.request_may_have_run:
        for work in members:
            work.error = error
    elif len(members) > 1:
        # Refused as a whole, perhaps for one result's data: try each result on its own.
        for work in members:
            work.solo = True
    else:
        members[0].fail(f"Bitrix24 refused the batch: {error}")
    return True


def _command_failed(work: Work, command: cmd.Command, error: BitrixError) -> None:
    if error.retryable or error.request_may_have_run:
        work.error = error
    elif command.action == cmd.FIND_ORIGIN:
        work.error = error  # never create without knowing whether an earlier attempt did
    elif command.action in (cmd.FIND_PHONE, cmd.FIND_EMAIL):
        work.problems.append(f"contact: could not look for an existing one by {command.action} "
                             f"({error.description or error.code or 'refused'})")
    elif command.action == cmd.UPDATE:
        work.problems.append(f"deal: Bitrix24 refused to link it ({error.description or error.code})")
        work.linked |= carried(command)
    elif command.entity in ("contact", "company"):
        work.refused.add(command.entity)
        work.problems.append(f"{command.entity}: Bitrix24 refused to create it "
                             f"({error.description or error.code}); the deal goes without it")
    else:
        work.fail(f"Bitrix24 refused the {command.entity}: {error}")


def learn(work: Work, command: cmd.Command, result) -> None:
    """Apply one command's result to its work (and store any id learned at once)."""
    if command.action == cmd.FIND_ORIGIN:
        found = result[0].get("ID") if isinstance(result, list) and result and isinstance(result[0], dict) else None
    elif command.action in (cmd.FIND_PHONE, cmd.FIND_EMAIL):
        ids = [_as_int(value) for value in (result.get("CONTACT") or [] if isinstance(result, dict) else [])]
        found = min((value for value in ids if value), default=None)
    elif command.action == cmd.UPDATE:
        work.linked |= carried(command)
        return
    else:
        found = result
        if command.entity == "deal":
            work.linked |= carried(command)
    remember(work, command.entity, found)


def remember(work: Work, entity: str, value) -> None:
    """The entity's id in the portal, when `value` is one and none is known yet."""
    entity_id = _as_int(value)
    if entity_id is None or entity_id <= 0 or work.ids[entity] is not None:
        return
    work.ids[entity] = entity_id
    deliveries.update(work.delivery.id, **{f"{entity}_id": entity_id})


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None
