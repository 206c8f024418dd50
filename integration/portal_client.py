"""A Bitrix24 client for a connected portal, with refreshes that every process agrees on."""
import logging

from bitrix_client import (
    BitrixClient,
    BitrixError,
    InvalidGrant,
    OAuthClient,
    TokenHolder,
    TokenSet,
    limiter_for,
)
from errors import Unavailable
from observability import metrics
from settings import Settings
from storage import portals

log = logging.getLogger(__name__)


def oauth_client(settings: Settings) -> OAuthClient:
    if not (settings.bitrix_client_id and settings.bitrix_client_secret):
        raise Unavailable("the Bitrix24 application is not configured: "
                          "set BITRIX_CLIENT_ID and BITRIX_CLIENT_SECRET")
    return OAuthClient(settings.bitrix_oauth_url, settings.bitrix_client_id, settings.bitrix_client_secret)


class PortalUnusable(Unavailable):
    """The portal has no working tokens (stale, never connected, or revoked)."""


def client_for(member_id: str, settings: Settings, oauth: OAuthClient | None = None) -> BitrixClient:
    """A client acting with the portal's stored tokens; PortalUnusable when it has none."""
    tokens = portals.usable_tokens(member_id)
    if tokens is None:
        raise PortalUnusable("the Bitrix24 portal is not connected or its tokens stopped working")
    oauth = oauth or oauth_client(settings)
    holder = TokenHolder(tokens, oauth,
                         refresh=lambda stale: refresh_stored(member_id, stale, oauth))
    return BitrixClient(holder, limiter=limiter_for(member_id), allow_http=settings.bitrix_allow_http,
                        timeout=(3.05, settings.bitrix_timeout_seconds), observer=metrics.observe_bitrix_call)


def refresh_stored(member_id: str, stale: TokenSet, oauth: OAuthClient) -> TokenSet:
    """Fresh tokens for the portal, refreshing only if no other process already did.

    The stored row is locked for the refresh, so of two processes noticing expiry at once one
    spends the refresh token and the other reads the pair it stored.
    """
    refused = None
    with portals.locked_tokens(member_id) as current:
        if current is None:
            refused = InvalidGrant("no_tokens", "the portal has no stored token pair")
        elif current.access_token != stale.access_token:
            return current
        else:
            try:
                fresh = oauth.refresh(current.refresh_token)
            except BitrixError as error:
                if not error.stale:
                    raise
                refused = error
            else:
                portals.save_tokens(fresh, portals.domain_of(fresh))
                return fresh
    # Recorded after the lock's transaction ends, so the rollback of a raise cannot undo it.
    reason = f"token refresh refused: {type(refused).__name__} {getattr(refused, 'code', '')}".strip()
    log.warning("portal %s marked stale: %s", member_id, reason)
    portals.mark_stale(member_id, reason)
    raise refused
