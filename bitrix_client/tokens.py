"""Holding a portal's current tokens and refreshing them once, however many callers notice expiry."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from .oauth import OAuthClient, TokenSet

log = logging.getLogger(__name__)

DEFAULT_LEEWAY = 30.0


class _PortalSlot:
    """The refresh lock of one portal and the newest token set seen in this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latest: TokenSet | None = None

    def offer(self, tokens: TokenSet) -> None:
        if self.latest is None or tokens.expires_at >= self.latest.expires_at:
            self.latest = tokens


_slots: dict[str, _PortalSlot] = {}
_slots_lock = threading.Lock()


def _slot_for(member_id: str) -> _PortalSlot:
    with _slots_lock:
        return _slots.setdefault(member_id, _PortalSlot())


class TokenHolder:
    """Gives the current access token of one portal and renews it single-flight per portal."""

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
        """A token set whose access token is not known to be expired, refreshing if it is."""
        tokens = self._tokens
        if tokens.expired(self._clock(), self._leeway):
            return self.renew(tokens)
        return tokens

    def access_token(self) -> str:
        """The current access token."""
        return self.current().access_token

    def renew(self, stale: TokenSet) -> TokenSet:
        """Replace `stale` by a fresh set, unless another holder of this portal already did."""
        with self._slot.lock:
            newer = self._newer_than(stale)
            if newer is not None:
                self._tokens = newer
                return newer
            if self._refresh is not None:
                fresh = self._refresh(stale)
            else:
                fresh = self._oauth.refresh(stale.refresh_token)
            self._slot.offer(fresh)
            self._tokens = fresh
            log.info("tokens renewed member_id=%s expires_at=%s", fresh.member_id, fresh.expires_at)
            if self._on_refresh is not None and fresh.access_token != stale.access_token:
                # Before anyone uses the new pair: the old refresh token is spent from now on.
                self._on_refresh(fresh)
            return fresh

    def _newer_than(self, stale: TokenSet) -> TokenSet | None:
        """A set of this portal, other than `stale`, that is newer and still alive."""
        for candidate in (self._slot.latest, self._tokens):
            if (candidate is not None and candidate.access_token != stale.access_token
                    and candidate.expires_at >= stale.expires_at
                    and not candidate.expired(self._clock(), self._leeway)):
                return candidate
        return None
