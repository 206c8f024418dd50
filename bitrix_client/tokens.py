"""Holding a portal's current tokens and refreshing them once, however many callers notice expiry.

Rules, each learned from a portal whose tokens lived 2 seconds: a token the portal rejected is
never used again; the newest pair is the one issued last (a refresh's answer, or the pair a
caller hands in), not the one that expires last; the refresh leeway never exceeds half a pair's
lifetime, so short-lived tokens are used instead of refreshed in a loop; a refused refresh is
raised at once (InvalidGrant, a stale-type error).
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import threading
import time
from collections.abc import Callable

from .oauth import OAuthClient, TokenSet

log = logging.getLogger(__name__)

DEFAULT_LEEWAY = 30.0
_REMEMBERED_REJECTIONS = 64


class _PortalSlot:
    """The refresh lock of one portal, the pair issued last, and the tokens the portal rejected."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latest: TokenSet | None = None
        self._rejected: collections.OrderedDict[str, None] = collections.OrderedDict()

    def offer(self, tokens: TokenSet) -> None:
        """A pair handed in from outside (e.g. read from storage): the newest unless known older."""
        if self.latest is None or self.rejected(self.latest) or not _issued_later(self.latest, tokens):
            self.latest = tokens

    def reject(self, tokens: TokenSet) -> None:
        self._rejected[tokens.access_token] = None
        while len(self._rejected) > _REMEMBERED_REJECTIONS:
            self._rejected.popitem(last=False)

    def rejected(self, tokens: TokenSet) -> bool:
        return tokens.access_token in self._rejected


# A per-process registry on purpose: every holder of a portal's tokens in this process must refresh
# single-flight and see the newest pair. One small object per portal, kept for the process's life.
_slots: dict[str, _PortalSlot] = {}
_slots_lock = threading.Lock()


def _slot_for(member_id: str) -> _PortalSlot:
    with _slots_lock:
        return _slots.setdefault(member_id, _PortalSlot())


class TokenHolder:
    """Gives the current access token of one portal and renews it single-flight per portal.

    `refresh(stale) -> TokenSet` replaces the holder's own refresh by `oauth`: the service's
    strategy stores the new pair (and hands back one another process stored). `on_refresh` is
    told of every new pair before it is used.
    """

    def __init__(self, tokens: TokenSet, oauth: OAuthClient | None = None,
                 on_refresh: Callable[[TokenSet], None] | None = None,
                 refresh: Callable[[TokenSet], TokenSet] | None = None,
                 clock: Callable[[], float] = time.time, leeway: float = DEFAULT_LEEWAY):
        if oauth is None and refresh is None:
            raise ValueError("TokenHolder needs an OAuthClient or a refresh strategy")
        self._tokens = tokens
        self._oauth = oauth
        self._on_refresh = on_refresh
        self._refresh = refresh
        self._clock = clock
        self._leeway = leeway
        # An empty member_id (e.g. a hand-made TokenSet) must not share a slot with other portals.
        self._slot = _slot_for(tokens.member_id) if tokens.member_id else _PortalSlot()
        with self._slot.lock:
            self._slot.offer(tokens)

    def __repr__(self):
        return f"TokenHolder(member_id={self._tokens.member_id!r}, expires_at={self._tokens.expires_at})"

    @property
    def tokens(self) -> TokenSet:
        """The token set in use now (may be expired; see `current`)."""
        return self._tokens

    def current(self) -> TokenSet:
        """A token set the portal has not rejected and that is not about to expire, renewing if need be."""
        tokens, latest = self._tokens, self._slot.latest
        if _issued_later(latest, tokens) and self._usable(latest):
            self._tokens = tokens = latest  # another holder of this portal got a newer pair
        if self._slot.rejected(tokens) or self._due(tokens):
            return self.renew(tokens)
        return tokens

    def access_token(self) -> str:
        """The current access token."""
        return self.current().access_token

    def reject(self, tokens: TokenSet) -> None:
        """The portal refused `tokens` (expired, invalid, or its address moved): never use them again."""
        with self._slot.lock:
            self._slot.reject(tokens)

    def renew(self, stale: TokenSet) -> TokenSet:
        """Replace `stale` by a usable set: one another holder of this portal got, or a refreshed one.

        The refresh spends the refresh token of the pair issued last; a refused refresh raises
        (InvalidGrant and the like) without a second try.
        """
        with self._slot.lock:
            for candidate in (self._slot.latest, self._tokens):
                if candidate is not None and candidate.access_token != stale.access_token and self._usable(candidate):
                    self._tokens = candidate
                    return candidate
            base = self._slot.latest or stale
            if self._refresh is not None:
                fresh = self._refresh(base)
            else:
                fresh = self._oauth.refresh(base.refresh_token)
            if fresh.issued_at is None:
                # Received just now: without this, a short-lived pair would count as due at once.
                fresh = dataclasses.replace(fresh, issued_at=self._clock())
            self._slot.latest = self._tokens = fresh
            log.info("tokens renewed member_id=%s expires_at=%s", fresh.member_id, fresh.expires_at)
            if self._on_refresh is not None and fresh.access_token != base.access_token:
                # Before anyone uses the new pair: the old refresh token is spent from now on.
                self._on_refresh(fresh)
            return fresh

    def _usable(self, tokens: TokenSet) -> bool:
        return not self._slot.rejected(tokens) and not self._due(tokens)

    def _due(self, tokens: TokenSet) -> bool:
        """Expired, or expiring within the leeway (at most half the pair's lifetime)."""
        leeway = self._leeway
        if tokens.lifetime is not None:
            leeway = min(leeway, max(tokens.lifetime, 0) / 2)
        return tokens.expired(self._clock(), leeway)


def _issued_later(candidate: TokenSet | None, tokens: TokenSet) -> bool:
    """True when `candidate` is known to be issued after `tokens` (both issue times known)."""
    return (candidate is not None and candidate.issued_at is not None and tokens.issued_at is not None
            and candidate.issued_at > tokens.issued_at)
