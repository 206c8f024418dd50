"""One result being delivered in a chunk: its plan, what is known of it in the portal, what went wrong."""
import dataclasses

from bitrix_client import BitrixError
from service.delivery.commands import ENTITIES
from service.delivery.plan import Plan
from storage.records import Delivery


@dataclasses.dataclass(eq=False)
class Work:
    key: int
    delivery: Delivery  # as read when the chunk was taken
    plan: Plan
    lookup: bool  # an earlier attempt may have reached the portal: look before creating
    ids: dict  # entity -> its id in the portal, as known now
    problems: list  # what the person should know: answers left out, links refused
    refused: set = dataclasses.field(default_factory=set)  # entities the portal refused to create
    linked: set = dataclasses.field(default_factory=set)  # entities a deal command of this attempt named
    error: BitrixError | None = None  # a failure to retry later (transient, or the outcome is unknown)
    failure: str | None = None  # why the result can never be delivered
    leader: "Work | None" = None  # an earlier result of the chunk that creates this result's contact
    solo: bool = False  # send this result's commands in a batch of their own (its batch was refused)

    @property
    def attempts(self) -> int:
        """The attempt this is (the delivery's count before it, plus one)."""
        return self.delivery.attempts + 1

    @property
    def active(self) -> bool:
        return self.error is None and self.failure is None

    def planned(self, entity: str) -> bool:
        return getattr(self.plan, entity) is not None

    def wants(self, entity: str) -> bool:
        """The entity is planned, not known in the portal yet, and not refused by it."""
        return self.planned(entity) and self.ids[entity] is None and entity not in self.refused

    @property
    def complete(self) -> bool:
        return all(not self.wants(entity) for entity in ENTITIES) and not self.unlinked()

    def unlinked(self) -> dict:
        """The deal's links to the contact and company that no deal command of this attempt carried yet."""
        if not self.planned("deal"):
            return {}
        links = {}
        if self.ids["contact"] is not None and "contact" not in self.linked:
            links["CONTACT_IDS"] = [self.ids["contact"]]
        if self.ids["company"] is not None and "company" not in self.linked:
            links["COMPANY_ID"] = self.ids["company"]
        return links

    def fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason[:500]
