"""Authorization codes and token pairs: single-use codes, rotating refresh tokens, fake-clock expiry."""
import secrets
import threading
from dataclasses import dataclass

CODE_LIFETIME = 30
ACCESS_LIFETIME = 3600
REFRESH_LIFETIME = 180 * 24 * 3600


class OAuthError(Exception):
    """An auth-server refusal: ``{"error": ..., "error_description": ...}`` with ``status``."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(error)
        self.error, self.description, self.status = error, description, status


@dataclass
class Grant:
    """One issued pair; it dies when its refresh token is used or the app is revoked."""

    member_id: str
    user_id: int
    access_token: str
    refresh_token: str
    expires: int
    refresh_expires: float
    lifetime: int = ACCESS_LIFETIME


def _token() -> str:
    return secrets.token_hex(35)  # 70 hex characters, like live tokens


class TokenStore:
    """Every code and live token pair of one application, across portals.

    Pairs of an uninstalled app are remembered (``revoke(..., remember=True)``), so that a portal
    can answer them with its configured "application uninstalled" error instead of invalid_token.
    """

    def __init__(self, clock):
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, tuple] = {}
        self._by_access: dict[str, Grant] = {}
        self._by_refresh: dict[str, Grant] = {}
        self._revoked: dict[str, str] = {}  # access or refresh token of an uninstalled app -> member_id

    def new_code(self, member_id: str, user_id: int) -> str:
        """A one-time authorization code for the user who approved the app."""
        code = secrets.token_hex(16)
        with self._lock:
            self._codes[code] = (member_id, user_id, self._clock.now())
        return code

    def code_owner(self, code: str) -> str | None:
        """The member_id a code was issued for (the code is not spent)."""
        with self._lock:
            found = self._codes.get(code)
        return found[0] if found else None

    def refresh_owner(self, refresh_token: str) -> str | None:
        """The member_id of a live refresh token (not spent by asking)."""
        with self._lock:
            grant = self._by_refresh.get(refresh_token)
        return grant.member_id if grant else None

    def redeem_code(self, code: str, lifetime: int = ACCESS_LIFETIME) -> Grant:
        """Exchange a code (once, within 30 s) for a new pair."""
        with self._lock:
            found = self._codes.pop(code, None)
        if found is None or self._clock.now() - found[2] > CODE_LIFETIME:
            raise OAuthError("invalid_grant", "Invalid authorization code")
        return self.issue(found[0], found[1], lifetime)

    def issue(self, member_id: str, user_id: int, lifetime: int = ACCESS_LIFETIME) -> Grant:
        """A fresh pair for that portal and user; the access token lives ``lifetime`` seconds."""
        now = self._clock.now()
        grant = Grant(member_id, user_id, _token(), _token(), int(now) + lifetime, now + REFRESH_LIFETIME,
                      lifetime)
        with self._lock:
            self._by_access[grant.access_token] = grant
            self._by_refresh[grant.refresh_token] = grant
        return grant

    def refresh(self, refresh_token: str, lifetime: int = ACCESS_LIFETIME) -> Grant:
        """Rotate: the old refresh token and the access token issued with it die."""
        with self._lock:
            old = self._by_refresh.pop(refresh_token, None)
            if old is not None:
                self._by_access.pop(old.access_token, None)
        if old is None or self._clock.now() > old.refresh_expires:
            raise OAuthError("invalid_grant", "The refresh token is invalid or expired")
        return self.issue(old.member_id, old.user_id, lifetime)

    def lookup(self, access_token: str) -> Grant | None:
        """The live grant of an access token (expired ones included: the caller tells them apart)."""
        with self._lock:
            return self._by_access.get(access_token)

    def revoked_owner(self, token: str) -> str | None:
        """The member_id whose uninstall killed this access or refresh token, if one did."""
        with self._lock:
            return self._revoked.get(token)

    def revoke(self, member_id: str, remember: bool = False) -> None:
        """Forget every code and pair of a portal; ``remember`` them as uninstalled ones."""
        with self._lock:
            self._codes = {code: found for code, found in self._codes.items() if found[0] != member_id}
            for grant in [grant for grant in self._by_access.values() if grant.member_id == member_id]:
                self._by_access.pop(grant.access_token, None)
                self._by_refresh.pop(grant.refresh_token, None)
                if remember:
                    self._revoked[grant.access_token] = self._revoked[grant.refresh_token] = member_id
            if not remember:
                self._revoked = {token: owner for token, owner in self._revoked.items() if owner != member_id}
