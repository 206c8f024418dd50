"""CPU per request of the service's ASGI app called in-process: no server, no sockets, no wrk.

For trying a change quickly (a minute instead of bench-api's fifteen): the app exactly as wsgi.py
builds it, against bench-api's PostgreSQL database, driven by 16 concurrent callers through
asyncio; prints user and system CPU per request of the whole process (handler threads included).
Its figures are not bench-api's (no HTTP parsing, asyncio instead of uvloop, the access logger
off); compare two checkouts by running each one's copy of this file, in turns, several times.

Usage: .venv/bin/python benchmarks/api_overhead/in_process.py list|submit [--requests 4000]
"""
import argparse
import asyncio
import itertools
import logging
import os
import resource
import sys
import time
import uuid
from pathlib import Path

import jwt
import seed
import submit_results
from run import JWT_SECRET

CALLERS = 16
HEADERS = [(b"host", b"127.0.0.1")]


def build_app():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.update(APP_ENV="development", RUN_WORKER="false", AUTO_MIGRATE="false", DATABASE_URL=seed.DEFAULT_URL,
                      JWT_SECRET=JWT_SECRET, SECRET_KEY=submit_results.SECRET_KEY)
    from wsgi import create_app
    app = create_app()
    logging.getLogger("access").disabled = True  # the log sink's cost is the sink's, not the framework's
    return app


async def call(app, method: str, path: str, query: bytes, token: bytes, body: bytes = b"") -> int:
    headers = HEADERS + [(b"authorization", b"Bearer " + token)]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    statuses = []

    async def receive():
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # nothing more: as a client that waits for its answer

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses[0]


async def load(app, kind: str, requests: int, tokens) -> None:
    async def caller(count):
        for _ in range(count):
            if kind == "list":
                status = await call(app, "GET", "/bitrix/users", b"page=1&size=25", next(tokens))
            else:
                body = submit_results.body(uuid.uuid4().hex).encode()
                status = await call(app, "POST", submit_results.PATH, b"", next(tokens), body)
            if status not in (200, 202):
                raise SystemExit(f"{kind}: answered {status}")
    await asyncio.gather(*(caller(requests // CALLERS) for _ in range(CALLERS)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=["list", "submit"])
    parser.add_argument("--requests", type=int, default=4000)
    args = parser.parse_args()
    seed.ensure(seed.DEFAULT_URL)
    submit_results.ensure(seed.DEFAULT_URL, seed.PORTALS)
    submit_results.reset(seed.DEFAULT_URL)
    app = build_app()
    exp = int(time.time()) + 3600
    tokens = itertools.cycle([jwt.encode({"sub": f"bench-{n}", "exp": exp}, JWT_SECRET, algorithm="HS256").encode()
                              for n in range(1, seed.PORTALS + 1)])
    loop = asyncio.new_event_loop()
    loop.run_until_complete(load(app, args.kind, 400, tokens))  # warm-up: imports, pool, caches
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    loop.run_until_complete(load(app, args.kind, args.requests, tokens))
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
    done = args.requests // CALLERS * CALLERS
    user, system = (after.ru_utime - before.ru_utime) / done * 1000, (after.ru_stime - before.ru_stime) / done * 1000
    print(f"{args.kind}: {user + system:.2f} ms CPU per request (user {user:.2f}, system {system:.2f}), "
          f"{done / wall:,.0f} requests/s, {done} requests")


if __name__ == "__main__":
    main()
