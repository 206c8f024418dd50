"""Create and fill the benchmark database: 1,000 connected accounts of 1,000 users each, plus one big.

Run from the repository root: `.venv/bin/python benchmarks/api_overhead/seed.py [DATABASE_URL]`.
Idempotent: a database already holding exactly this data set is left as it is (seeding takes ~1 min).
"""
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from storage import db  # noqa: E402  (needs the repository on sys.path)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_api"
PORTALS = 1000            # bench-1 .. bench-1000, each bound to a portal of USERS users
USERS = 1000              # page=40&size=25 is the last page of such a portal
BIG_USERS = 25_000        # bench-big: page=1000&size=25 is its last page
EXPECTED_ROWS = PORTALS * USERS + BIG_USERS

# Portal n (0 = the big one) gets member_id md5('bench-portal-n'): 32 hex chars like Bitrix24's.
PORTALS_SQL = """
INSERT INTO portal (member_id, domain, client_endpoint, expires_at, stale, created_at, crm_mode)
SELECT md5('bench-portal-' || n), 'b' || n || '.bitrix24.ru', 'https://b' || n || '.bitrix24.ru/rest/',
       0, false, now(), 1
FROM generate_series(0, %(portals)s) AS n
"""
ACCOUNTS_SQL = """
INSERT INTO account (account_id, portal_url, member_id, subdomain, deleted, created_at, connected_at)
SELECT CASE WHEN n = 0 THEN 'bench-big' ELSE 'bench-' || n END, 'https://b' || n || '.bitrix24.ru',
       md5('bench-portal-' || n), 'b' || n, false, now(), now()
FROM generate_series(0, %(portals)s) AS n
"""
# Rows of one portal are inserted together, ordered, as a sync of that portal would write them.
USERS_SQL = """
INSERT INTO portal_user (member_id, bitrix_id, name, last_name, second_name, title, email, departments,
                         work_position, active, deleted, created_at, updated_at)
SELECT md5('bench-portal-' || p), u::text, 'Иван' || u, 'Петров', 'Сергеевич', '',
       CASE WHEN u %% 3 = 0 THEN '' ELSE 'user' || u || '@example.com' END, '[1, ' || (u %% 7) || ']',
       'Менеджер', true, false, now(), now()
FROM generate_series(%(first)s, %(last)s) AS ps(p), generate_series(1, %(users)s) AS us(u)
ORDER BY ps.p, us.u  -- qualified: a bare `u` would sort by the text output column
"""


def create_database(url: str) -> None:
    """CREATE DATABASE for `url` unless it exists (connecting to the server's `postgres` database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(parts._replace(path="/postgres").geturl())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    conn.close()


def seeded(cur) -> bool:
    cur.execute("SELECT (SELECT count(*) FROM account WHERE account_id LIKE 'bench-%'),"
                " (SELECT count(*) FROM portal_user)")
    return cur.fetchone() == (PORTALS + 1, EXPECTED_ROWS)


def fill(conn) -> None:
    started = time.monotonic()
    with conn, conn.cursor() as cur:
        cur.execute("TRUNCATE portal_user, account, portal RESTART IDENTITY")
        cur.execute(PORTALS_SQL, {"portals": PORTALS})
        cur.execute(ACCOUNTS_SQL, {"portals": PORTALS})
        cur.execute(USERS_SQL, {"first": 1, "last": PORTALS, "users": USERS})
        cur.execute(USERS_SQL, {"first": 0, "last": 0, "users": BIG_USERS})
    conn.autocommit = True
    with conn.cursor() as cur:
        # Fresh statistics and visibility map: counts become index-only scans, as on a settled database.
        cur.execute("VACUUM ANALYZE portal, account, portal_user")
    conn.autocommit = False
    print(f"seeded {EXPECTED_ROWS:,} users in {time.monotonic() - started:.0f}s")


def ensure(url: str = DEFAULT_URL) -> None:
    """The database at `url` exists, has the service's schema and exactly the benchmark data."""
    create_database(url)
    db.bind(url, pool_size=2)
    db.migrate()  # the service's own migrations build the schema
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            done = seeded(cur)
        if not done:
            fill(conn)
    finally:
        conn.close()


if __name__ == "__main__":
    ensure(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
