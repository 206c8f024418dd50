"""The OAuth `state`: signed, bound to the platform account, expiring, single-use.

The token is base64url(payload).base64url(HMAC-SHA256(payload)) with a key derived from
SECRET_KEY. The signature proves we issued it; the row in `oauth_state` makes it single-use
and lets a newer request of the same account cancel an older one.
"""
import base64
import hashlib
import hmac
import json
import secrets
import time

from errors import BadRequest
from storage import oauth_states
from storage.crypto import derive_key
from storage.records import PendingConnection

LIFETIME = 600


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class StateSigner:
    def __init__(self, secret_key: str, clock=time.time):
        self.key = derive_key(secret_key, "oauth-state")
        self.clock = clock

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.key, payload, hashlib.sha256).digest()

    def issue(self, account_id: str, portal_url: str) -> str:
        """A new state for this account; earlier unused states of the account stop working."""
        nonce = secrets.token_urlsafe(24)
        expires_at = int(self.clock()) + LIFETIME
        oauth_states.issue(nonce, account_id, portal_url, expires_at)
        payload = json.dumps({"a": account_id, "n": nonce, "e": expires_at}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def verify(self, state: str) -> tuple[str, str]:
        """(nonce, account id) of a state we issued that has not expired; BadRequest otherwise.
        Nothing is used up: see `pending` and `consume`."""
        try:
            body, mac = state.split(".")
            payload = _unb64(body)
            valid = hmac.compare_digest(_unb64(mac), self._mac(payload))
            claims = json.loads(payload) if valid else None
        except (ValueError, TypeError):
            claims = None
        if not isinstance(claims, dict):
            raise BadRequest("invalid state")
        if claims.get("e", 0) < self.clock():
            raise BadRequest("state has expired")
        return str(claims.get("n")), str(claims.get("a"))

    def pending(self, state: str) -> PendingConnection:
        """The unused request a state stands for, left unused; BadRequest when there is none."""
        return _or_refused(oauth_states.pending(*self.verify(state)))

    def consume(self, state: str) -> PendingConnection:
        """The pending request a state stands for, used up; BadRequest when it does not verify."""
        return _or_refused(oauth_states.consume(*self.verify(state)))


def _or_refused(pending: PendingConnection | None) -> PendingConnection:
    if pending is None:
        raise BadRequest("state was already used or replaced by a newer connection request")
    return pending
