"""The one database of a process: declared here, bound from DATABASE_URL at start-up.

Peewee binds models to a database at class level, so the binding is per process: `bind` points
the models at the database once (the application context calls it), and everything else in the
service reaches the database only through `storage`'s functions, `connection()` and
`transaction()`.
"""
import functools
import logging
from pathlib import Path
from urllib.parse import urlsplit

from peewee import DatabaseProxy, InterfaceError, OperationalError
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

log = logging.getLogger(__name__)

database = DatabaseProxy()
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works: it only has to be the same in every process that migrates this database.
_MIGRATION_LOCK = 815_427_001
#: what a vanished or unreachable database raises: callers answer 503 or wait, never lose work
UNAVAILABLE = (OperationalError, InterfaceError)


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
        # Every transaction begins as a writer (BEGIN IMMEDIATE) and so waits on the busy timeout for
        # the write lock. A deferred one that reads first cannot: when it goes on to write while
        # another connection holds the lock, SQLite answers "database is locked" at once.
        return connect_url(url, lock_type="IMMEDIATE",
                           pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10000,
                                    "synchronous": "normal"})
    raise SystemExit(f"DATABASE_URL must be sqlite:///path or postgresql://...; got scheme {scheme!r}")


# The per-process binding (see the module docstring): which URL the models point at now.
_bound_url: str | None = None


def bind(url: str, pool_size: int = 20):
    """Point the models at the database named by `url`; the same url again keeps the binding."""
    global _bound_url
    if url != _bound_url or database.obj is None:
        database.initialize(open_database(url, pool_size))
        _bound_url = url
    return database.obj


def is_postgres() -> bool:
    return database.obj is not None and "postgres" in type(database.obj).__name__.lower()


def connection():
    """A context in which this thread holds a connection (returned to the pool afterwards)."""
    return database.connection_context()


def transaction(immediate: bool = False):
    """A transaction (a savepoint when nested).

    On SQLite every transaction takes the writer lock at once (see `open_database`); `immediate`
    says that the caller relies on it.
    """
    if immediate and not is_postgres():
        return database.atomic("IMMEDIATE")
    return database.atomic()


def run(sql: str, params=()):
    """Execute SQL written by hand (`{p}` for each parameter), for the hot paths where building the
    statement through Peewee costs more than running it; returns the cursor."""
    return database.execute_sql(sql.replace("{p}", database.param), params)


def insert_sql(table: str, columns) -> str:
    """A written-out INSERT of one row (for `run`): the columns, then a `{p}` for each."""
    names = ", ".join(f'"{name}"' for name in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(["{p}"] * len(columns))})'


def migrate() -> list[str]:
    """Apply pending schema migrations; returns the names applied."""
    with connection():
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
        with connection():
            return fn(*args, **kwargs)
    return wrapper


def status():
    """Every migration with whether it has been applied."""
    with connection():
        return Runner(database.obj, str(MIGRATIONS)).status()


def is_reachable() -> bool:
    """Whether a trivial query succeeds now (readiness)."""
    try:
        with connection():
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

