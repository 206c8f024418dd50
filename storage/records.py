"""What storage hands out: plain, frozen records, never model rows.

A caller that wants a row changed asks a storage function to change it; a record is a copy of
what was read, so nothing outside `storage/` can write to the database by setting an attribute.
"""
import dataclasses
from datetime import datetime


def from_row(cls, row):
    """The record `cls` of a model row (or a row's dict), field by field."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return cls(**{field.name: get(field.name) for field in dataclasses.fields(cls)})


@dataclasses.dataclass(frozen=True)
class Connection:
    """A platform account's connection to a portal; `member_id` is None until the callback binds it."""
    id: int
    account_id: str
    portal_url: str
    member_id: str | None
    subdomain: str | None


@dataclasses.dataclass(frozen=True)
class PendingConnection:
    """What an OAuth `state` stands for: the account and the portal address it asked for."""
    account_id: str
    portal_url: str


@dataclasses.dataclass(frozen=True)
class StoredTokens:
    """A portal's token pair as stored (decrypted), with where its REST calls go."""
    member_id: str
    access_token: str
    refresh_token: str
    expires_at: int
    client_endpoint: str
    oauth_server: str | None = None  # where it was issued and is refreshed (None: the default server)


@dataclasses.dataclass(frozen=True)
class PortalFacts:
    """What the service knows of a portal besides its tokens."""
    member_id: str
    oauth_server: str | None  # None: the first of BITRIX_OAUTH_SERVERS
    application_token: str | None  # its fingerprint (storage/crypto.py), never the token
    event_handler: str | None
    stale: bool
    stale_reason: str | None


@dataclasses.dataclass(frozen=True)
class Rule:
    id: int
    member_id: str
    quiz_id: int
    request: dict  # the rule as it was posted (the spec's BitrixFieldRules properties)
    deleted: bool
    created_at: datetime


@dataclasses.dataclass(frozen=True)
class Job:
    id: int
    kind: str
    member_id: str
    key: str
    payload: object
    state: str
    attempts: int
    worker: str | None
    last_error: str | None


@dataclasses.dataclass(frozen=True)
class Delivery:
    id: int
    account_id: str
    member_id: str
    quiz_id: int
    result_id: str
    payload: dict
    status: str
    attempts: int
    lead_id: int | None
    deal_id: int | None
    contact_id: int | None
    company_id: int | None
    last_error: str | None
    problems: list
    next_attempt_at: datetime
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
