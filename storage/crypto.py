"""Encryption at rest for secrets kept in the database (OAuth tokens), and key derivation.

The application context builds one `TokenCipher` from SECRET_KEY and hands it to the storage
functions that read or write tokens; rows hold Fernet tokens, so a dump of the database alone
discloses no portal's credentials.
"""
import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(secret_key: str, purpose: str) -> bytes:
    """32 bytes for one purpose; different purposes never share a key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(secret_key.encode())


class TokenCipher:
    """Encrypts and decrypts stored tokens with a key derived from SECRET_KEY."""

    def __init__(self, secret_key: str):
        self._fernet = Fernet(base64.urlsafe_b64encode(derive_key(secret_key, "token-encryption")))
        self._fingerprint_key = derive_key(secret_key, "secret-fingerprint")

    def fingerprint(self, text: str) -> str:
        """A keyed hash of a secret the service only has to recognise (an event's application_token)."""
        return hmac.new(self._fingerprint_key, text.encode(), hashlib.sha256).hexdigest()

    def same_fingerprint(self, text: str | None, stored: str | None) -> bool:
        """Whether `text` has the `stored` fingerprint (constant time; False when either is missing)."""
        return bool(text) and bool(stored) and hmac.compare_digest(self.fingerprint(text), stored)

    def encrypt(self, text: str | None) -> str | None:
        return None if text is None else self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, stored: str | None) -> str | None:
        """The plain text, or None when it was written under another SECRET_KEY (unusable)."""
        if stored is None:
            return None
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken:
            return None
