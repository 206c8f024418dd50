"""A sync of a big portal from the fake Bitrix24 (real limits) into PostgreSQL and SQLite.

One process: the fake (bucket 50, drain 2/s) with one seeded portal, connected with real tokens;
per database, the four lists synced into empty tables, then again with nothing changed, then with
every user changed, each pass starting with drained rate-limit buckets as a scheduled sync would.
Per list: REST requests (the
fake's counters); fetch and write time apart (fetch = the sync's fetcher, write =
storage.reconcile, as service.sync.run calls them; write CPU = this process's CPU time, which
a busy machine does not inflate); rows written per second; the process's peak RSS.
Prints a Markdown table and the issue's targets.

Usage: .venv/bin/python benchmarks/sync/run.py [--users 50000] [--fields 2000] [--database both]
"""
import argparse
import gc
import math
import os
import re
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import psycopg2  # noqa: E402

from bitrix_client import TokenSet, limiter_for  # noqa: E402
from bitrix_client.batch import MAX_COMMANDS  # noqa: E402
from bitrix_client.limiter import DEFAULT_BUCKET, DEFAULT_DRAIN  # noqa: E402
from bitrix_client.pages import PAGE_SIZE  # noqa: E402
from fake_bitrix import FakeBitrix  # noqa: E402
from fake_bitrix.data import ENTITY_TYPES  # noqa: E402
from fake_bitrix.seed.userfields import TYPES  # noqa: E402
from service import portal_client, sync  # noqa: E402
from service.context import Context  # noqa: E402
from settings import Settings  # noqa: E402
from storage import db  # noqa: E402
from storage.models import Account  # noqa: E402
from storage.reconcile import reconcile  # noqa: E402

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "bench_sync"
CLIENT_ID, CLIENT_SECRET = "local.bench.app", "bench-secret"
SEEDED_PER_ENTITY = len(TYPES) + 1  # the fake seeds one field of every type and the app's tag field
WRITE_TARGET_S, MEMORY_TARGET_MB = 5.0, 300


def memory_mb(key: str) -> float:
    """VmRSS (now) or VmHWM (peak since reset_peak) of this process, in MB (Linux /proc)."""
    return int(re.search(rf"{key}:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) / 1024


def reset_peak() -> None:
    """Let VmHWM start again from the current RSS, so each list gets its own peak."""
    Path("/proc/self/clear_refs").write_text("5")


def fresh_database(kind: str, folder: Path) -> str:
    """An empty, migrated database of that kind (PostgreSQL: recreated `bench_sync`); its URL."""
    if kind == "postgres":
        admin = psycopg2.connect(f"{PG_SERVER}/postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {PG_DATABASE}")
        admin.close()
        url = f"{PG_SERVER}/{PG_DATABASE}"
    else:
        url = f"sqlite:///{folder / 'bench_sync.db'}"
    db.bind(url)
    db.migrate()
    return url


def connect(ctx, fake: FakeBitrix, portal) -> None:
    """Store the portal's tokens and bind an account to it, as the OAuth callback would."""
    tokens = TokenSet.from_answer(portal.issue_tokens(), now=fake.clock.now())
    with db.connection():
        portal_client.store_tokens(ctx, tokens)
        Account.create(account_id="bench-account", portal_url=portal.url, member_id=portal.member_id,
                       subdomain="bench", connected_at=datetime.now(UTC).replace(tzinfo=None))


def sync_list(name: str, portal, ctx: Context) -> dict:
    """One list as service.sync.run does it, with fetch and write timed apart."""
    fetcher = sync.LISTS[name]
    limiter = limiter_for(portal.member_id)
    waited_before = limiter.waited_seconds
    portal.reset_stats()
    reset_peak()
    start_rss = memory_mb("VmRSS")
    with db.connection():
        client = portal_client.client_for(ctx, portal.member_id)
        started = time.perf_counter()
        rows = fetcher(client, ctx.settings)
        fetched, cpu = time.perf_counter(), time.process_time()
        counts = reconcile(name, portal.member_id, rows)
        written, write_cpu = time.perf_counter(), time.process_time() - cpu
    return {"list": name, "rows": len(rows), "requests": portal.stats["requests"],
            "waited": limiter.waited_seconds - waited_before, "fetch": fetched - started,
            "write": written - fetched, "write_cpu": write_cpu, "written": counts.written,
            "start_rss": start_rss, "peak": memory_mb("VmHWM")}


def run_database(kind: str, fake: FakeBitrix, portal, folder: Path, results: list[dict]) -> None:
    """Every list synced into an empty database of that kind, then synced again unchanged, then
    again with every user changed (no target: how long a sync that updates every row takes)."""
    url = fresh_database(kind, folder)
    settings = Settings(database_url=url, secret_key="bench-secret-key-of-at-least-32-bytes",
                        bitrix_client_id=CLIENT_ID, bitrix_client_secret=CLIENT_SECRET,
                        bitrix_oauth_url=fake.oauth_url, bitrix_allow_http=True, run_worker=False)
    ctx = Context.build(settings)
    connect(ctx, fake, portal)
    for run in ("first", "no change", "every user changed"):
        if run == "every user changed":
            for user in portal.data.users:  # as when a portal renames a position everyone holds
                user["WORK_POSITION"] = f"{user.get('WORK_POSITION') or ''}*"
        settle(results)
        results += [{"database": kind, "run": run, **sync_list(name, portal, ctx)} for name in sync.LISTS]
    if hasattr(db.database.obj, "close_all"):
        db.database.obj.close_all()


def settle(results: list[dict]) -> None:
    """Let the last pass's requests drain from both buckets (the fake's, ours), as hours between
    scheduled syncs would, so every pass starts alike; waits inside a pass stay measured."""
    used = sum(r["requests"] for r in results[-len(sync.LISTS):])
    time.sleep(min(used, DEFAULT_BUCKET) / DEFAULT_DRAIN)


def extra_fields(total: int) -> int:
    """The fake's `fields=` (extra string fields per entity type) that makes about `total` in all."""
    return max(0, round(total / len(ENTITY_TYPES)) - SEEDED_PER_ENTITY)


def request_target(rows: int) -> int:
    """The issue's budget: one request per 2,500 rows (a batch of 50 pages of 50), plus 2."""
    return math.ceil(rows / (PAGE_SIZE * MAX_COMMANDS)) + 2


def table(results: list[dict]) -> str:
    lines = ["| database | run | list | rows | requests (target) | limiter wait s | fetch s | write s "
             "| write CPU s | rows written | written rows/s | RSS at start MB | peak RSS MB |",
             "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        rate = f"{r['written'] / r['write']:,.0f}" if r["written"] else "-"
        lines.append(f"| {r['database']} | {r['run']} | {r['list']} | {r['rows']:,} "
                     f"| {r['requests']} ({request_target(r['rows'])}) | {r['waited']:.1f} "
                     f"| {r['fetch']:.2f} | {r['write']:.2f} | {r['write_cpu']:.2f} | {r['written']:,} | {rate} "
                     f"| {r['start_rss']:.0f} | {r['peak']:.0f} |")
    return "\n".join(lines)


def targets(results: list[dict]) -> list[str]:
    """The issue's targets, each with whether this run met it."""
    def verdict(ok: bool, detail: str) -> str:
        return f"{'met' if ok else 'MISSED'} ({detail})"
    over = [f"{r['database']} {r['run']} {r['list']}" for r in results
            if r["requests"] > request_target(r["rows"])]
    pg_write = next((r["write"] for r in results
                     if (r["database"], r["run"], r["list"]) == ("postgres", "first", "users")), None)
    resync = sum(r["written"] for r in results if r["run"] == "no change")
    peak = max(r["peak"] for r in results)
    over_text = "over: " + (", ".join(over) or "none")
    lines = [f"- requests within ceil(N / 2,500) + 2 per list: {verdict(not over, over_text)}",
             f"- no-change re-sync writes zero rows: {verdict(resync == 0, f'{resync:,} written')}",
             f"- peak RSS under {MEMORY_TARGET_MB} MB: {verdict(peak < MEMORY_TARGET_MB, f'{peak:.0f} MB')}"]
    if pg_write is not None:
        lines.insert(1, f"- PostgreSQL write of the users under {WRITE_TARGET_S:.0f} s: "
                        f"{verdict(pg_write < WRITE_TARGET_S, f'{pg_write:.2f} s')}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--fields", type=int, default=2_000, help="user fields in all (about)")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    kinds = ("postgres", "sqlite") if args.database == "both" else (args.database,)
    load_before, results = os.getloadavg()[0], []
    with FakeBitrix(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                    redirect_uri="http://127.0.0.1:8080/webhook/create") as fake, \
            tempfile.TemporaryDirectory() as folder:
        bare_rss = memory_mb("VmRSS")
        portal = fake.add_portal(users=args.users, fields=extra_fields(args.fields), seed=1)
        fake_rss = memory_mb("VmRSS") - bare_rss
        # The fake's data (millions of objects) would not live in the service's process; left to
        # the collector it makes every full collection during the sync walk it too.
        gc.freeze()
        for kind in kinds:
            run_database(kind, fake, portal, Path(folder), results)
    print(f"{args.users:,} users ({results[0]['rows']:,} active), {args.fields:,} fields wanted; "
          f"{os.cpu_count()} CPUs; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after\n"
          f"RSS {bare_rss:.0f} MB after imports, +{fake_rss:.0f} MB for the fake portal's data; peak RSS "
          f"is VmHWM reset before each list (ru_maxrss of the run: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)\n")
    print(table(results) + "\n")
    print("\n".join(targets(results)))


if __name__ == "__main__":
    main()
