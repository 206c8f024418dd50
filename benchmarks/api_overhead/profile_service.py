"""Where the service's CPU goes on GET /bitrix/users or POST /bitrix/results: py-spy samples under load.

Starts the service as run.py does, loads it with 16 connections on one page, samples the worker with
`py-spy record --gil --nonblocking` (only the thread holding the GIL: Python CPU, not waits), and
prints each cost's share and its estimated milliseconds per request. Needs `pip install py-spy`.

Usage: .venv/bin/python benchmarks/api_overhead/profile_service.py [--page 1 | --submit] [--duration 15]
       [--service-root DIR]   (another checkout, e.g. with a change to profile)
"""
import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import seed
import submit_results
from run import PAGES, SUBMIT, Server, write_tokens, wrk

RATE = 250  # samples per second

# Each sample goes to the first rule matching a frame, searching from the innermost frame outwards.
COSTS = [  # py-spy names frames "function (package/module.py:line)"
    ("JWT decode (PyJWT)", r"\(jwt/"),
    ("logging (access line)", r"\(logging/"),
    ("JSON encode", r"\(json/|jsonifier"),
    ("pool checkout/check-in (incl. SELECT 1 ping)", r"\(playhouse/pool|Database\.(connect|close) |"
                                                     r"ConnectionContext|is_connection_closed"),
    ("psycopg2 execute/fetch (GIL held)", r"_execute_cursor |CursorWrapper\.iterate "),
    ("peewee: rows to model objects", r"process_row |Model\.__init__ |ModelObjectCursorWrapper"),
    ("peewee: query building", r"\(peewee\.py"),
    ("storage: model to dict (rfc3339...)", r"\((storage/)?(users|listing|accounts)\.py"),
    ("storage: other", r"\(storage/"),
    ("service layer", r"\(service/"),
    ("web: our middleware and checks", r"\(web/"),
    ("request validation (Connexion/jsonschema)", r"connexion/validators|\(jsonschema/|uri_parsing|"
                                                  r"request_validation|connexion/decorators/parameter"),
    ("security middleware (excl. JWT)", r"connexion/security|middleware/security"),
    ("threadpool hop (anyio/starlette)", r"\(anyio/|starlette/concurrency|\(threading\.py|\(queue\.py"),
    ("other Connexion (routing, context, response)", r"\(connexion/"),
    ("Starlette middleware/routing", r"\(starlette/"),
    ("uvicorn + httptools + asyncio", r"\(uvicorn|\(asyncio/|httptools"),
]


def categorise(raw: Path) -> collections.Counter:
    rules = [(name, re.compile(pattern)) for name, pattern in COSTS]
    shares = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        frames = stack.split(";")[::-1]
        name = next((name for frame in frames for name, rule in rules if rule.search(frame)), "other")
        shares[name] += int(count)
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=seed.DEFAULT_URL)
    parser.add_argument("--page", type=int, choices=[1, 40, 1000], default=1)
    parser.add_argument("--submit", action="store_true", help="profile POST /bitrix/results instead of a page")
    parser.add_argument("--duration", type=int, default=15, help="sampled seconds (after 3s warm-up)")
    parser.add_argument("--service-root", help="profile the service in this checkout (default: this one)")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("py-spy is missing: .venv/bin/pip install py-spy")

    seed.ensure(args.database_url)
    submit_results.ensure(args.database_url, seed.PORTALS)
    submit_results.reset(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    write_tokens(folder)
    _, path, token_file = SUBMIT if args.submit else next(p for p in PAGES if f"page={args.page}&" in p[1])
    server = Server("service", args.database_url, folder, root=args.service_root)
    try:
        server.wait_ready((folder / "tokens.txt").read_text().split()[0])
        load = {}
        loader = threading.Thread(target=lambda: load.update(
            wrk(server.url, path, folder / token_file, args.duration + 5)))
        loader.start()
        time.sleep(3)
        cpu = server.cpu_seconds()[0]
        raw = folder / "py-spy.txt"
        subprocess.run([py_spy, "record", "--gil", "--nonblocking", "-r", str(RATE), "-d", str(args.duration),
                        "-f", "raw", "-o", str(raw), "-p", str(server.worker_pid())],
                       check=True, capture_output=True)
        cpu = server.cpu_seconds()[0] - cpu
        loader.join()
    finally:
        server.stop()
    rps = load["requests"] / load["duration_us"] * 1e6
    cpu_ms = cpu * 1000 / (rps * args.duration)
    shares = categorise(raw)
    total = sum(shares.values())
    print(f"\n{path}: {rps:,.0f} req/s under the profiler, worker CPU {cpu_ms:.2f} ms/req, "
          f"GIL held {total / RATE / args.duration:.0%} of the time; samples in {raw}\n")
    print("| cost | share of GIL time | ms/req (share x worker CPU) |\n| --- | ---: | ---: |")
    for name, count in shares.most_common():
        print(f"| {name} | {count / total:.1%} | {count / total * cpu_ms:.2f} |")


if __name__ == "__main__":
    main()
