"""Issued OAuth `state`s: bound to an account and a portal address, single-use, replaceable."""
from storage.columns import utcnow
from storage.models import OAuthState
from storage.records import PendingConnection


def issue(nonce: str, account_id: str, portal_url: str, expires_at: int) -> None:
    """Record a new state for the account; its earlier unused states stop working."""
    OAuthState.delete().where(OAuthState.account_id == account_id, OAuthState.used_at.is_null()).execute()
    OAuthState.create(nonce=nonce, account_id=account_id, portal_url=portal_url, expires_at=expires_at)


def pending(nonce: str, account_id: str) -> PendingConnection | None:
    """What an unused state stands for (left unused), or None."""
    row = OAuthState.get_or_none(OAuthState.nonce == nonce, OAuthState.account_id == account_id,
                                 OAuthState.used_at.is_null())
    return PendingConnection(row.account_id, row.portal_url) if row else None


def consume(nonce: str, account_id: str) -> PendingConnection | None:
    """Use a state up: what it stood for, or None when it was used, replaced or never issued."""
    used = (OAuthState.update(used_at=utcnow())
            .where(OAuthState.nonce == nonce, OAuthState.account_id == account_id, OAuthState.used_at.is_null())
            .execute())
    if used != 1:
        return None
    row = OAuthState.get_by_id(nonce)
    return PendingConnection(row.account_id, row.portal_url)
