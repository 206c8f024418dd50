"""Platform accounts' connections to portals."""
from errors import NotFound
from storage.listing import rfc3339
from storage.models import Account, OAuthState, Portal

NOT_CONNECTED = "no connected Bitrix24 portal for this account"


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


def live(account_id: str) -> Account | None:
    """The account's current (not deleted) connection, pending or bound."""
    return (Account.select()
            .where(Account.account_id == account_id, Account.deleted == False)  # noqa: E712
            .order_by(Account.id.desc()).first())


def _portal(account: Account) -> Portal | None:
    if account.member_id is None:
        return None
    return Portal.get_or_none(Portal.member_id == account.member_id)


def describe(account_id: str) -> dict:
    """The account's connection as the API shows it; NotFound when there is none."""
    account = live(account_id)
    if account is None:
        raise NotFound("account not found")
    return as_dict(account, _portal(account))


def connected_member_id(account_id: str) -> str:
    """The member_id of the account's bound portal; NotFound while there is none."""
    account = live(account_id)
    if account is None or account.member_id is None:
        raise NotFound(NOT_CONNECTED)
    return account.member_id


def soft_delete(account_id: str) -> None:
    """Mark the account's connection deleted; NotFound when there is none."""
    updated = (Account.update(deleted=True)
               .where(Account.account_id == account_id, Account.deleted == False)  # noqa: E712
               .execute())
    if not updated:
        raise NotFound("account not found")
    # A connection request still waiting for its callback must not bind a deleted account.
    OAuthState.delete().where(OAuthState.account_id == account_id).execute()
