"""The one database object: declared here, initialised from DATABASE_URL at start-up."""
import functools
import logging
from pathlib import Path
from urllib.parse import urlsplit

from peewee import DatabaseProxy
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

log = logging.getLogger(__name__)

database = DatabaseProxy()
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works: it only has to be the same in every process that migrates this database.
_MIGRATION_LOCK = 815_427_001


def open_database(url: str, pool_size: int = 20):
    """A peewee Database for `url`: pooled on PostgreSQL, WAL-mode file on SQLite."""
    scheme = urlsplit(url).scheme
    if scheme in ("postgres", "postgresql"):
        pooled = "postgresql+pool" + url[len(scheme):]
        sep = "&" if "?" in pooled else "?"
        # timeout: a request waits for a free connection instead of failing at once under load.
        pooled += f"{sep}max_connections={pool_size}&stale_timeout=300&timeout=10"
        return connect_url(pooled)
    if scheme == "sqlite":
        path = url[len("sqlite:///"):]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return connect_url(url, pragmas={"journal_mode": "wal", "foreign_keys": 1,
                                         "busy_timeout": 10000, "synchronous": "normal"})
    raise SystemExit(f"DATABASE_URL must be sqlite:///path or postgresql://...; got scheme {scheme!r}")


def init(url: str, pool_size: int = 20):
    """Point the shared proxy at the database named by `url`."""
    database.initialize(open_database(url, pool_size))
    return database


def is_postgres() -> bool:
    return database.obj is not None and "postgres" in type(database.obj).__name__.lower()


def migrate() -> list[str]:
    """Apply pending schema migrations; returns the names applied."""
    with database.connection_context():
        if is_postgres():
            # Several processes may start at once; only one of them migrates.
            database.execute_sql("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            applied = Runner(database.obj, str(MIGRATIONS)).up()
        finally:
            if is_postgres():
                database.execute_sql("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
    for name in applied:
        log.info("applied migration %s", name)
    return applied


def with_connection(fn):
    """Run `fn` inside its own connection (returned to the pool afterwards)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with database.connection_context():
            return fn(*args, **kwargs)
    return wrapper


def status():
    """Every migration with whether it has been applied."""
    with database.connection_context():
        return Runner(database.obj, str(MIGRATIONS)).status()


def is_reachable() -> bool:
    """Whether a trivial query succeeds now (readiness)."""
    try:
        with database.connection_context():
            database.execute_sql("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False


def check_connection(url: str) -> None:
    """Refuse to start, in one line, when the database cannot be reached (no password shown)."""
    if not is_reachable():
        parts = urlsplit(url)
        where = f"{parts.scheme}://{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}{parts.path}"
        raise SystemExit(f"DATABASE_URL: cannot connect to {where}")
