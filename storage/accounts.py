"""Platform accounts' connections to portals."""
from peewee import IntegrityError

from errors import NotFound
from storage.columns import utcnow
from storage.db import run, transaction
from storage.listing import rfc3339
from storage.models import Account, OAuthState, Portal
from storage.records import Connection, from_row

NOT_CONNECTED = "no connected Bitrix24 portal for this account"
# Every API request asks it: written out (storage/db.py `run`), the account's live connection's portal.
CONNECTED_SQL = ('SELECT "member_id" FROM "account" WHERE "account_id" = {p} AND "deleted" = {p} '
                 'ORDER BY "id" DESC LIMIT 1')


def as_dict(account: Account, portal: Portal | None) -> dict:
    # Pending (no callback yet) and portals whose tokens stopped working are both "stale".
    item = {
        "id": account.id,
        "accountID": account.account_id,
        "bitrixID": account.member_id or "",
        "deleted": account.deleted,
        "createdAt": rfc3339(account.created_at),
        "subdomain": account.subdomain or "",
        "stale": portal is None or portal.stale,
    }
    if portal is not None and portal.stale and portal.stale_reason:
        item["staleReason"] = portal.stale_reason
    return item


def _live_row(account_id: str) -> Account | None:
    return (Account.select()
            .where(Account.account_id == account_id, Account.deleted == False)  # noqa: E712
            .order_by(Account.id.desc()).first())


def live(account_id: str) -> Connection | None:
    """The account's current (not deleted) connection, pending or bound."""
    row = _live_row(account_id)
    return from_row(Connection, row) if row else None


def open_connection(account_id: str, portal_url: str) -> Connection:
    """The account's live connection, created for `portal_url` when it has none.

    A connection still waiting for its callback takes the newer address; a bound one keeps its
    portal until a callback binds another.
    """
    row = _live_row(account_id)
    if row is None:
        try:
            with transaction():
                row = Account.create(account_id=account_id, portal_url=portal_url)
        except IntegrityError:
            # A concurrent request created it first (one live connection per account).
            row = _live_row(account_id)
    elif row.member_id is None:
        Account.update(portal_url=portal_url).where(Account.id == row.id).execute()
        row.portal_url = portal_url
    return from_row(Connection, row)


def bind(connection_id: int, member_id: str, portal_url: str, subdomain: str) -> None:
    """Bind a connection to a portal (replacing any portal it had)."""
    (Account.update(member_id=member_id, portal_url=portal_url, subdomain=subdomain, connected_at=utcnow())
     .where(Account.id == connection_id).execute())


def follow_move(member_id: str, portal_url: str, subdomain: str) -> int:
    """The portal now answers at `portal_url`: every connection bound to it says so."""
    return (Account.update(portal_url=portal_url, subdomain=subdomain)
            .where(Account.member_id == member_id, Account.portal_url != portal_url).execute())


def _portal(account: Account) -> Portal | None:
    if account.member_id is None:
        return None
    return Portal.get_or_none(Portal.member_id == account.member_id)


def describe(account_id: str) -> dict:
    """The account's connection as the API shows it; NotFound when there is none."""
    account = _live_row(account_id)
    if account is None:
        raise NotFound("account not found")
    return as_dict(account, _portal(account))


def connected_member_id(account_id: str) -> str:
    """The member_id of the account's bound portal; NotFound while there is none."""
    row = run(CONNECTED_SQL, (account_id, False)).fetchone()
    if row is None or row[0] is None:
        raise NotFound(NOT_CONNECTED)
    return row[0]


def soft_delete(account_id: str) -> None:
    """Mark the account's connection deleted; NotFound when there is none."""
    updated = (Account.update(deleted=True)
               .where(Account.account_id == account_id, Account.deleted == False)  # noqa: E712
               .execute())
    if not updated:
        raise NotFound("account not found")
    # A connection request still waiting for its callback must not bind a deleted account.
    OAuthState.delete().where(OAuthState.account_id == account_id).execute()
