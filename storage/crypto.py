"""Encryption at rest for secrets kept in the database (OAuth tokens).

The key is derived from SECRET_KEY at start-up (`configure`); rows hold Fernet tokens, so a dump
of the database alone discloses no portal's credentials.
"""
import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from peewee import TextField

_fernet: Fernet | None = None


def derive_key(secret_key: str, purpose: str) -> bytes:
    """32 bytes for one purpose; different purposes never share a key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(secret_key.encode())


def configure(secret_key: str) -> None:
    """Set the key that encrypted columns use."""
    global _fernet
    _fernet = Fernet(base64.urlsafe_b64encode(derive_key(secret_key, "token-encryption")))


def _cipher() -> Fernet:
    if _fernet is None:
        raise RuntimeError("storage.crypto.configure(SECRET_KEY) was not called")
    return _fernet


class EncryptedTextField(TextField):
    """Text encrypted on write and decrypted on read."""

    def db_value(self, value):
        if value is None:
            return None
        return _cipher().encrypt(value.encode()).decode()

    def python_value(self, value):
        if value is None:
            return None
        try:
            return _cipher().decrypt(value.encode()).decode()
        except InvalidToken:
            # Written under another SECRET_KEY: unusable, and the portal must be connected again.
            return None
