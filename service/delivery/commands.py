"""A delivery's batch commands as values: which result, which entity, what action.

A command's key in a batch is made in one place (`Command.key`), and a batch answer is read back
through the commands sent (`Batch`), never by parsing keys; a later command refers to an earlier
one's new id with `Command.reference()`.
"""
import dataclasses

from service.crm import ENTITY_IDS

FIND_ORIGIN, FIND_PHONE, FIND_EMAIL, ADD, UPDATE = "origin", "phone", "email", "add", "update"
ENTITIES = tuple(ENTITY_IDS)


@dataclasses.dataclass(frozen=True, eq=False)
class Command:
    work: int  # the result's key within its chunk
    entity: str  # lead, deal, contact or company
    action: str  # one of FIND_ORIGIN, FIND_PHONE, FIND_EMAIL, ADD, UPDATE
    method: str
    params: dict

    @property
    def key(self) -> str:
        return f"r{self.work}_{self.entity}_{self.action}"

    def reference(self) -> str:
        """What stands for this command's result (the new id of an ADD) in a later command of its batch."""
        return f"$result[{self.key}]"

    @property
    def writes(self) -> bool:
        return self.action in (ADD, UPDATE)


def find_by_origin(work: int, entity: str, origin: dict) -> Command:
    return Command(work, entity, FIND_ORIGIN, f"crm.{entity}.list", {"filter": origin, "select": ["ID"]})


def find_contact(work: int, kind: str, value: str) -> Command:
    """The portal's contacts with this phone or e-mail (`kind` is FIND_PHONE or FIND_EMAIL)."""
    return Command(work, "contact", kind, "crm.duplicate.findbycomm",
                   {"type": kind.upper(), "values": [value], "entity_type": "CONTACT"})


def add(work: int, entity: str, fields: dict) -> Command:
    return Command(work, entity, ADD, f"crm.{entity}.add", {"fields": fields})


def update_deal(work: int, deal_id: int, fields: dict) -> Command:
    return Command(work, "deal", UPDATE, "crm.deal.update", {"id": deal_id, "fields": fields})


class Batch:
    """Commands going out in one `batch` request, and the way back from its answer to them."""

    def __init__(self, commands: list[Command]):
        self.commands = {command.key: command for command in commands}

    def payload(self) -> dict:
        """The `{key: (method, params)}` the client sends."""
        return {key: (command.method, command.params) for key, command in self.commands.items()}

    def outcomes(self, answer):
        """(command, result, error) for every command the portal ran; commands it did not run are left out."""
        for key, command in self.commands.items():
            if key in answer.errors:
                yield command, None, answer.errors[key]
            elif key in answer.results:
                yield command, answer.results[key], None

    @property
    def works(self) -> set[int]:
        return {command.work for command in self.commands.values()}
