"""The settings of this process, set once by the app factory or the worker command."""
from settings import Settings
from storage import crypto

_settings: Settings | None = None


def configure(settings: Settings) -> None:
    global _settings
    _settings = settings
    crypto.configure(settings.secret_key)


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("integration.runtime.configure() was not called")
    return _settings
