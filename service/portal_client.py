"""A Bitrix24 client for a connected portal, with refreshes that every process agrees on."""
import logging
from urllib.parse import urlsplit

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
from storage import portals
from storage.records import StoredTokens

log = logging.getLogger(__name__)


def oauth_client(settings) -> OAuthClient:
    if not (settings.bitrix_client_id and settings.bitrix_client_secret):
        raise Unavailable("the Bitrix24 application is not configured: "
                          "set BITRIX_CLIENT_ID and BITRIX_CLIENT_SECRET")
    return OAuthClient(settings.bitrix_oauth_url, settings.bitrix_client_id, settings.bitrix_client_secret)


class PortalUnusable(Unavailable):
    """The portal has no working tokens (stale, never connected, or revoked)."""


def store_tokens(ctx, tokens: TokenSet) -> None:
    """Keep a token answer as the portal's pair (creating the portal, clearing staleness)."""
    stored = StoredTokens(tokens.member_id, tokens.access_token, tokens.refresh_token, tokens.expires_at,
                          tokens.client_endpoint)
    portals.save_tokens(ctx.cipher, stored, urlsplit(tokens.client_endpoint).netloc)


def _token_set(stored: StoredTokens) -> TokenSet:
    return TokenSet(access_token=stored.access_token, refresh_token=stored.refresh_token,
                    expires_at=stored.expires_at, client_endpoint=stored.client_endpoint,
                    member_id=stored.member_id)


def stored_tokens(ctx, member_id: str) -> TokenSet | None:
    """The portal's stored pair (stale or not), or None."""
    stored = portals.load_tokens(ctx.cipher, member_id)
    return _token_set(stored) if stored else None


def client_for(ctx, member_id: str, oauth: OAuthClient | None = None) -> BitrixClient:
    """A client acting with the portal's stored tokens; PortalUnusable when it has none."""
    stored = portals.usable_tokens(ctx.cipher, member_id)
    if stored is None:
        raise PortalUnusable("the Bitrix24 portal is not connected or its tokens stopped working")
    oauth = oauth or oauth_client(ctx.settings)
    holder = TokenHolder(_token_set(stored), oauth,
                         refresh=lambda stale: refresh_stored(ctx, member_id, stale, oauth))
    return BitrixClient(holder, limiter=limiter_for(member_id), allow_http=ctx.settings.bitrix_allow_http,
                        timeout=(3.05, ctx.settings.bitrix_timeout_seconds),
                        observer=ctx.metrics.observe_bitrix_call)


def refresh_stored(ctx, member_id: str, stale: TokenSet, oauth: OAuthClient) -> TokenSet:
    """Fresh tokens for the portal, refreshing only if no other process already did.

    The stored row is locked for the refresh, so of two processes noticing expiry at once one
    spends the refresh token and the other reads the pair it stored.
    """
    refused = None
    with portals.locked_tokens(ctx.cipher, member_id) as current:
        if current is None:
            refused = InvalidGrant("no_tokens", "the portal has no stored token pair")
        elif current.access_token != stale.access_token:
            return _token_set(current)
        else:
            try:
                fresh = oauth.refresh(current.refresh_token)
            except BitrixError as error:
                if not error.stale:
                    raise
                refused = error
            else:
                store_tokens(ctx, fresh)
                return fresh
    # Recorded after the lock's transaction ends, so the rollback of a raise cannot undo it.
    reason = f"token refresh refused: {type(refused).__name__} {getattr(refused, 'code', '')}".strip()
    log.warning("portal %s marked stale: %s", member_id, reason)
    portals.mark_stale(member_id, reason)
    raise refused
