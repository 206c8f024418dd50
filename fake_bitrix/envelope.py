"""The shapes every REST answer shares: errors, the ``time`` block, list pages, PHP's empty ``[]``."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

PAGE_SIZE = 50
PORTAL_TZ = timezone(timedelta(hours=3))  # a Moscow portal; dates carry this offset


class BitrixError(Exception):
    """A REST error answer: HTTP status plus the ``error`` / ``error_description`` pair."""

    def __init__(self, status: int, error: str, description: str = ""):
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


def legacy_error(description: str) -> BitrixError:
    """The crm.lead.* / crm.deal.* style: 400 with an empty ``error`` and the reason in the text."""
    return BitrixError(400, "", description)


@dataclass
class Listing:
    """One page of a list method; ``key`` wraps the items (``{"categories": [...]}``) when set."""

    items: list
    total: int
    next: int | None = None
    key: str | None = None

    @property
    def result(self):
        return {self.key: self.items} if self.key else self.items


def iso(timestamp: float) -> str:
    """ISO 8601 with the portal's offset, as CRM dates and ``time.date_start`` come."""
    return datetime.fromtimestamp(timestamp, PORTAL_TZ).isoformat(timespec="seconds")


def time_block(start: float, finish: float, processing: float, operating: float | None = None,
               operating_reset_at: int | None = None) -> dict:
    """The ``time`` object; ``operating`` keys only where the cloud sends them (not inside batch)."""
    block = {"start": start, "finish": finish, "duration": finish - start, "processing": processing,
             "date_start": iso(start), "date_finish": iso(finish)}
    if operating is not None:
        block["operating"] = operating
        block["operating_reset_at"] = operating_reset_at
    return block


def success_body(result, time: dict) -> dict:
    """``{"result": ..., "next": ..., "total": ..., "time": ...}`` for plain and list results."""
    if isinstance(result, Listing):
        body = {"result": result.result}
        if result.next is not None:
            body["next"] = result.next
        body["total"] = result.total
    else:
        body = {"result": result}
    body["time"] = time
    return body


def php_array(mapping: dict):
    """How PHP serializes an array: ``[]`` when empty, a list when keyed 0..n-1, else an object."""
    if list(mapping) == list(range(len(mapping))):
        return list(mapping.values())
    return {str(key): value for key, value in mapping.items()}


def truthy(value) -> bool:
    """Bitrix's loose booleans: 1, "1", "Y", "true", True."""
    return str(value).strip().lower() in {"1", "y", "true"}
