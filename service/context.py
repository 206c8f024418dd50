"""What a process of the service runs with, built once and handed down: no module globals.

The app factory (`wsgi.create_app`) and the worker command build one `Context` from the
settings; handlers that need it declare a `ctx` parameter (web/routing.py binds it), jobs receive
it as an argument. The only process-wide registries left are those that must be shared by every
context of the process, each documented where it lives: the database binding
(`storage/db.py`), the per-portal request limiters (`bitrix_client/limiter.py`) and token slots
(`bitrix_client/tokens.py`), and SQLite's per-portal refresh locks (`storage/portals.py`).
"""
import dataclasses

from observability.metrics import Metrics
from settings import Settings
from storage import db
from storage.crypto import TokenCipher


@dataclasses.dataclass(frozen=True)
class Context:
    settings: Settings
    database: object  # the Peewee database storage's functions use (bound by `build`)
    cipher: TokenCipher
    metrics: Metrics

    @classmethod
    def build(cls, settings: Settings, pool_size: int | None = None) -> "Context":
        """Bind the database (an API process's pool unless told) and make the cipher and the metrics."""
        database = db.bind(settings.database_url, pool_size or settings.api_connections())
        return cls(settings, database, TokenCipher(settings.secret_key),
                   Metrics(settings.prometheus_multiproc_dir))
