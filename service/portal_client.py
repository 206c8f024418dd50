"""A Bitrix24 client for a connected portal, with refreshes that every process agrees on."""
import logging

from bitrix_client import (
    BitrixClient,
    BitrixError,
    InvalidGrant,
    OAuthClient,
    OAuthServers,
    TokenHolder,
    TokenSet,
    UnknownOAuthServer,
    limiter_for,
)
from errors import Unavailable
from service.portal_url import origin, subdomain
from storage import accounts, portals
from storage.records import StoredTokens

log = logging.getLogger(__name__)


class ServerNotAllowed(UnknownOAuthServer):
    """The portal's OAuth server was taken off BITRIX_OAUTH_SERVERS: its refresh token (and our
    secret) stay here, and its work waits until the operator lists the server again."""

    retryable = True
    hold = True
    reason = ("the portal's OAuth server is not in BITRIX_OAUTH_SERVERS any more: "
              "its work waits until the operator lists it again")


def oauth_servers(settings) -> OAuthServers:
    """The OAuth servers that may get the application's secret (BITRIX_OAUTH_SERVERS)."""
    return OAuthServers(settings.oauth_servers)


def oauth_client(settings, server: str | None = None) -> OAuthClient:
    """A client of `server` (an entry of the list, or a callback's `server_domain`; None: the
    default one); UnknownOAuthServer before anything is sent when it is not on the list."""
    if not (settings.bitrix_client_id and settings.bitrix_client_secret):
        raise Unavailable("the Bitrix24 application is not configured: "
                          "set BITRIX_CLIENT_ID and BITRIX_CLIENT_SECRET")
    return oauth_servers(settings).client(server, settings.bitrix_client_id, settings.bitrix_client_secret)


def portal_oauth_client(settings, stored: StoredTokens) -> OAuthClient:
    """The client of the server that issued the portal's tokens (ServerNotAllowed when it is off the list)."""
    try:
        return oauth_client(settings, stored.oauth_server)
    except UnknownOAuthServer:
        raise ServerNotAllowed("", "OAuth server is not on the allowlist", None, "oauth/token") from None


class PortalUnusable(Unavailable):
    """The portal has no working tokens (stale, never connected, or revoked)."""


def store_tokens(ctx, tokens: TokenSet, oauth_server: str | None = None) -> None:
    """Keep a token answer as the portal's pair (creating the portal, clearing staleness), with the
    OAuth server that issued it when given. Every token answer carries the portal's current
    address: connections bound to a portal that moved follow it."""
    stored = StoredTokens(tokens.member_id, tokens.access_token, tokens.refresh_token, tokens.expires_at,
                          tokens.client_endpoint, oauth_server)
    portal_url = origin(tokens.client_endpoint)
    portals.save_tokens(ctx.cipher, stored, portal_url.split("://", 1)[1])
    if accounts.follow_move(tokens.member_id, portal_url, subdomain(portal_url)):
        log.info("portal %s answers at a new address now", tokens.member_id)


def _token_set(stored: StoredTokens) -> TokenSet:
    return TokenSet(access_token=stored.access_token, refresh_token=stored.refresh_token,
                    expires_at=stored.expires_at, client_endpoint=stored.client_endpoint,
                    member_id=stored.member_id)


def stored_tokens(ctx, member_id: str) -> TokenSet | None:
    """The portal's stored pair (stale or not), or None."""
    stored = portals.load_tokens(ctx.cipher, member_id)
    return _token_set(stored) if stored else None


def _usable(ctx, member_id: str) -> StoredTokens:
    stored = portals.usable_tokens(ctx.cipher, member_id)
    if stored is None:
        raise PortalUnusable("the Bitrix24 portal is not connected or its tokens stopped working")
    return stored


def client_for(ctx, member_id: str, oauth: OAuthClient | None = None) -> BitrixClient:
    """A client acting with the portal's stored tokens; PortalUnusable when it has none."""
    return _client(ctx, _usable(ctx, member_id), oauth)


def probe_client(ctx, member_id: str) -> BitrixClient | None:
    """A client with the portal's stored tokens even when it is stale (to ask the portal whether
    they still work); None when it has none this process can read."""
    stored = portals.load_tokens(ctx.cipher, member_id)
    return _client(ctx, stored) if stored else None


def _client(ctx, stored: StoredTokens, oauth: OAuthClient | None = None) -> BitrixClient:
    oauth = oauth or portal_oauth_client(ctx.settings, stored)
    member_id = stored.member_id
    holder = TokenHolder(_token_set(stored), oauth,
                         refresh=lambda stale: refresh_stored(ctx, member_id, stale, oauth))
    return BitrixClient(holder, limiter=limiter_for(member_id), allow_http=ctx.settings.bitrix_allow_http,
                        timeout=(3.05, ctx.settings.bitrix_timeout_seconds),
                        observer=ctx.metrics.observe_bitrix_call)


def refresh_now(ctx, member_id: str) -> TokenSet:
    """Renew the portal's pair at its OAuth server now; PortalUnusable for a stale portal."""
    stored = _usable(ctx, member_id)
    return refresh_stored(ctx, member_id, _token_set(stored), portal_oauth_client(ctx.settings, stored))


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
    reason = f"token refresh refused ({refused.code or type(refused).__name__}): {refused.reason}"
    log.warning("portal %s marked stale: %s", member_id, reason)
    portals.mark_stale(member_id, reason)
    raise refused
