"""Portals and their OAuth tokens (encrypted by the model), with the lock refreshes take."""
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

from bitrix_client import TokenSet
from storage.columns import utcnow
from storage.db import database, is_postgres
from storage.models import Account, Portal

_local_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


def save_tokens(tokens: TokenSet, domain: str) -> None:
    """Store a fresh token pair for its portal (creating the portal) and clear staleness."""
    values = dict(domain=domain, client_endpoint=tokens.client_endpoint,
                  access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                  expires_at=tokens.expires_at, stale=False, stale_reason=None, refreshed_at=utcnow())
    updated = Portal.update(**values).where(Portal.member_id == tokens.member_id).execute()
    if not updated:
        Portal.create(member_id=tokens.member_id, **values)


def domain_of(tokens: TokenSet) -> str:
    """The portal host a token answer names (its REST endpoint's)."""
    return urlsplit(tokens.client_endpoint).netloc


def load_tokens(member_id: str) -> TokenSet | None:
    """The stored pair of a portal, or None when it has none usable."""
    row = Portal.get_or_none(Portal.member_id == member_id)
    return _token_set(row) if row else None


def _token_set(row: Portal) -> TokenSet | None:
    if not row.access_token or not row.refresh_token:
        return None
    return TokenSet(access_token=row.access_token, refresh_token=row.refresh_token,
                    expires_at=row.expires_at, client_endpoint=row.client_endpoint,
                    member_id=row.member_id)


@contextmanager
def locked_tokens(member_id: str):
    """The portal's stored pair under a lock no other process or thread shares.

    PostgreSQL: the row is held with SELECT ... FOR UPDATE for the transaction. SQLite: a
    process-wide lock per portal plus an IMMEDIATE transaction (SQLite's writer lock).
    """
    if is_postgres():
        with database.atomic():
            row = Portal.select().where(Portal.member_id == member_id).for_update().first()
            yield _token_set(row) if row else None
        return
    with _process_lock(member_id), database.atomic("IMMEDIATE"):
        row = Portal.get_or_none(Portal.member_id == member_id)
        yield _token_set(row) if row else None


def _process_lock(member_id: str) -> threading.Lock:
    with _registry_lock:
        return _local_locks.setdefault(member_id, threading.Lock())


def mark_stale(member_id: str, reason: str) -> None:
    """The portal's tokens no longer work: say why, until it is connected again."""
    Portal.update(stale=True, stale_reason=reason[:500]).where(Portal.member_id == member_id).execute()


def usable_tokens(member_id: str) -> TokenSet | None:
    """The portal's stored pair, unless it is stale or has none."""
    row = Portal.get_or_none(Portal.member_id == member_id)
    return _token_set(row) if row and not row.stale else None


def is_usable(member_id: str) -> bool:
    """Whether the portal has tokens and is not stale."""
    return usable_tokens(member_id) is not None


def bind(account: Account, member_id: str, portal_url: str, subdomain: str) -> None:
    """Bind an account's connection to a portal (replacing any portal it had)."""
    (Account.update(member_id=member_id, portal_url=portal_url, subdomain=subdomain,
                    connected_at=utcnow())
     .where(Account.id == account.id).execute())
