"""Portals and their OAuth tokens (encrypted with the context's TokenCipher), with the lock refreshes take."""
import threading
from contextlib import contextmanager
from datetime import datetime

from storage.columns import utcnow
from storage.crypto import TokenCipher
from storage.db import database, is_postgres, run, transaction
from storage.models import Account, CrmMode, Portal
from storage.records import PortalFacts, StoredTokens, from_row

# SQLite has no row locks: refreshes of one portal in this process queue on a lock of its own
# (created on first use, kept for the process's life; one per portal, a few bytes each).
_local_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


def save_tokens(cipher: TokenCipher, tokens: StoredTokens, domain: str) -> None:
    """Store a fresh token pair for its portal (creating the portal) and clear staleness; the
    portal's OAuth server is kept unless `tokens` names one."""
    values = dict(domain=domain, client_endpoint=tokens.client_endpoint,
                  access_token=cipher.encrypt(tokens.access_token),
                  refresh_token=cipher.encrypt(tokens.refresh_token),
                  expires_at=tokens.expires_at, stale=False, stale_reason=None, refreshed_at=utcnow())
    if tokens.oauth_server:
        values["oauth_server"] = tokens.oauth_server
    updated = Portal.update(**values).where(Portal.member_id == tokens.member_id).execute()
    if not updated:
        Portal.create(member_id=tokens.member_id, **values)


def _tokens(cipher: TokenCipher, row: Portal | None) -> StoredTokens | None:
    if row is None:
        return None
    access, refresh = cipher.decrypt(row.access_token), cipher.decrypt(row.refresh_token)
    if not access or not refresh:
        # None stored, or written under another SECRET_KEY: the portal must be connected again.
        return None
    return StoredTokens(row.member_id, access, refresh, row.expires_at, row.client_endpoint, row.oauth_server)


def load_tokens(cipher: TokenCipher, member_id: str) -> StoredTokens | None:
    """The stored pair of a portal, or None when it has none usable."""
    return _tokens(cipher, Portal.get_or_none(Portal.member_id == member_id))


def usable_tokens(cipher: TokenCipher, member_id: str) -> StoredTokens | None:
    """The portal's stored pair, unless it is stale or has none."""
    row = Portal.get_or_none(Portal.member_id == member_id)
    return _tokens(cipher, row) if row and not row.stale else None


# Asked by every submitted result: written out (storage/db.py `run`).
USABLE_SQL = ('SELECT 1 FROM "portal" WHERE "member_id" = {p} AND "stale" = {p} '
              'AND "access_token" IS NOT NULL AND "refresh_token" IS NOT NULL')


def is_usable(member_id: str) -> bool:
    """Whether the portal is not stale and has tokens. Not decrypted here: tokens this process cannot
    read (SECRET_KEY changed) are found when the portal is next called, which holds its work then."""
    return run(USABLE_SQL, (member_id, False)).fetchone() is not None


@contextmanager
def locked_tokens(cipher: TokenCipher, member_id: str):
    """The portal's stored pair under a lock no other process or thread shares.

    PostgreSQL: the row is held with SELECT ... FOR UPDATE for the transaction. SQLite: a
    process-wide lock per portal plus an IMMEDIATE transaction (SQLite's writer lock).
    """
    if is_postgres():
        with database.atomic():
            yield _tokens(cipher, Portal.select().where(Portal.member_id == member_id).for_update().first())
        return
    with _process_lock(member_id), transaction(immediate=True):
        yield _tokens(cipher, Portal.get_or_none(Portal.member_id == member_id))


def _process_lock(member_id: str) -> threading.Lock:
    with _registry_lock:
        return _local_locks.setdefault(member_id, threading.Lock())


def mark_stale(member_id: str, reason: str) -> None:
    """The portal's tokens no longer work: say why, until it is connected again (the first cause
    found stays the reason)."""
    (Portal.update(stale=True, stale_reason=reason[:500])
     .where(Portal.member_id == member_id, Portal.stale == False).execute())  # noqa: E712


def disconnect(member_id: str, reason: str, forget_tokens: bool = False) -> bool:
    """The application was removed from the portal: stale with `reason`, its event handler gone
    (Bitrix24 drops it), and with `forget_tokens` its token pair deleted; False for an unknown portal."""
    values = dict(stale=True, stale_reason=reason[:500], event_handler=None)
    if forget_tokens:
        values.update(access_token=None, refresh_token=None)
    return bool(Portal.update(**values).where(Portal.member_id == member_id).execute())


def facts(member_id: str) -> PortalFacts | None:
    """What is known of the portal besides its tokens, or None for a portal never seen."""
    row = Portal.get_or_none(Portal.member_id == member_id)
    return from_row(PortalFacts, row) if row else None


def set_application_token(member_id: str, fingerprint: str) -> None:
    Portal.update(application_token=fingerprint).where(Portal.member_id == member_id).execute()


def set_event_handler(member_id: str, handler: str | None) -> None:
    """Record the ONAPPUNINSTALL handler now bound on the portal."""
    Portal.update(event_handler=handler).where(Portal.member_id == member_id).execute()


def _connected():
    """Portals with usable tokens that some live account is bound to."""
    bound = Account.select(Account.member_id).where(Account.deleted == False,  # noqa: E712
                                                    Account.member_id.is_null(False))
    return Portal.select(Portal.member_id).where(Portal.stale == False,  # noqa: E712
                                                 Portal.member_id.in_(bound))


def is_connected(member_id: str) -> bool:
    """Whether the portal has usable tokens and a live account bound to it."""
    return _connected().where(Portal.member_id == member_id).exists()


def connected_member_ids() -> list[str]:
    """Every portal with usable tokens that a live account is bound to."""
    return [row.member_id for row in _connected()]


def refreshed_before(moment: datetime) -> list[str]:
    """Connected portals whose tokens were last refreshed before `moment`."""
    return [row.member_id for row in _connected().where(Portal.refreshed_at < moment)]


def without_event_handler(handler: str) -> list[str]:
    """Connected portals on which `handler` is not (known to be) bound."""
    return [row.member_id for row in _connected().where(
        Portal.event_handler.is_null() | (Portal.event_handler != handler))]


def count_stale() -> int:
    return Portal.select().where(Portal.stale == True).count()  # noqa: E712


def set_crm_mode(member_id: str, mode: int) -> None:
    Portal.update(crm_mode=mode).where(Portal.member_id == member_id).execute()


def works_without_leads(member_id: str) -> bool:
    """Whether the portal is in simple CRM mode (no leads), as its last sync saw it."""
    return Portal.select().where(Portal.member_id == member_id, Portal.crm_mode == CrmMode.SIMPLE).exists()
