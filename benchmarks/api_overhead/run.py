"""Framework overhead on the hot path: the service vs a bare Flask app, same data, same load.

End to end: seeds the PostgreSQL database if needed (seed.py), starts each setup on a free loopback
port (one process each), then for every page runs wrk (16 connections, tokens rotated over 1,000
accounts) against each setup in turn, alternating the order, and prints a Markdown table.

Usage: bash benchmarks/api_overhead/run.sh [--duration 15] [--pages 1,40,1000] [--candidate DIR] ...
(run.sh checks wrk and PostgreSQL, then runs this file with the project's .venv; see --help.)
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import filtered_lists
import jwt
import psycopg2
import seed
import submit_results

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = Path(sys.executable).parent
JWT_SECRET = "bench-api-overhead-hs256-secret-0123456789-0123456789-0123456789"

# (label, path, token file): the token file decides which accounts (and so portals) are hit.
PAGES = [
    ("page=1 (1,000 portals)", "/bitrix/users?page=1&size=25", "tokens.txt"),
    ("page=40, last (1,000 portals)", "/bitrix/users?page=40&size=25", "tokens.txt"),
    ("page=1000, last (25,000-user portal)", "/bitrix/users?page=1000&size=25", "big.txt"),
]
# The other hot operation: a quiz result submitted, each request a new one (submit_results.py).
SUBMIT = ("POST /bitrix/results (1,000 portals)", submit_results.PATH, "tokens.txt")
GUNICORN = [str(BIN / "gunicorn"), "-w", "1", "--graceful-timeout", "3"]
SETUPS = {
    # As production serves it (README): gunicorn + uvicorn worker; the app logs one access line.
    "service": (GUNICORN + ["-k", "web.serving.UvicornWorker", "wsgi:app"], REPO),
    "service-quiet": (GUNICORN + ["-k", "web.serving.UvicornWorker", "--pythonpath", str(HERE),
                                  "quiet_app:app"], REPO),
    # The yardstick: bare Flask under gunicorn's sync worker (one request at a time).
    "bare": (GUNICORN + ["-k", "sync", "bare_app:app"], HERE),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_tokens(folder: Path) -> None:
    """Valid tokens for 1h: one per benchmark account, and the big portal's account alone."""
    exp = int(time.time()) + 3600
    def token(sub):
        return jwt.encode({"sub": sub, "exp": exp}, JWT_SECRET, algorithm="HS256")
    accounts = [f"bench-{n}" for n in range(1, seed.PORTALS + 1)]
    (folder / "tokens.txt").write_text("".join(token(account) + "\n" for account in accounts))
    (folder / "big.txt").write_text(token("bench-big") + "\n")


def fetch(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except (urllib.error.URLError, ConnectionError) as exc:
        return getattr(exc, "code", 0), b""


def _cpu(pid: int) -> float:
    """utime + stime of a process, in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """One setup in its own process group, output to a log file (as a production log sink would)."""

    def __init__(self, name: str, database_url: str, folder: Path, root: str | None = None):
        command, cwd = SETUPS[name]
        cwd = root or cwd  # another checkout of the service (a candidate change) served the same way
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Named connections: their PostgreSQL backends' CPU is counted too (see cpu_seconds).
        self.app_name = f"bench-{name.replace(' ', '-')}"
        self.database_url = database_url
        sep = "&" if "?" in database_url else "?"
        env = dict(os.environ, APP_ENV="development", RUN_WORKER="false", AUTO_MIGRATE="false",
                   DATABASE_URL=f"{database_url}{sep}application_name={self.app_name}",
                   JWT_SECRET=JWT_SECRET, SECRET_KEY=submit_results.SECRET_KEY)
        self.log = open(folder / f"{name}.log", "wb")
        self.process = subprocess.Popen(command + ["-b", f"127.0.0.1:{self.port}"], cwd=cwd, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, token: str, deadline_s: float = 30) -> None:
        deadline = time.monotonic() + deadline_s
        while fetch(f"{self.url}/bitrix/users?page=1&size=1", token)[0] != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.name} did not start: see {self.log.name}")
            time.sleep(0.2)

    def worker_pid(self) -> int:
        """The one worker process under the gunicorn master."""
        return int(Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()[0])

    def cpu_seconds(self) -> tuple[float, dict[int, float]]:
        """CPU time used so far by the worker, and by each PostgreSQL backend serving it (by pid).

        CPU per request is what a shared, noisy machine distorts least: wrk, PostgreSQL and
        whatever else runs here compete for the same cores and move req/s and latencies.
        """
        with psycopg2.connect(self.database_url) as conn, conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.app_name,))
            backends = [pid for (pid,) in cur.fetchall()]
        conn.close()
        return _cpu(self.worker_pid()), {pid: _cpu(pid) for pid in backends}


    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def backends_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """The backends' CPU between two readings. The pool replaces a connection older than its stale
    timeout, so a backend may be new (counted from zero) or gone (what it spent since is lost)."""
    return sum(spent - before.get(pid, 0.0) for pid, spent in after.items())


def wrk(base_url: str, path: str, tokens: Path, seconds: int, connections: int = 16) -> dict:
    env = dict(os.environ, BENCH_TOKENS=str(tokens), BENCH_PATH=path, BENCH_REPORT=str(HERE / "report.lua"))
    script = "rotate_tokens.lua"
    if path == submit_results.PATH:
        script, env["BENCH_BODY"] = "submit_results.lua", submit_results.body("RESULT_ID")
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", str(HERE / script), base_url], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(server: Server, label: str, path: str, tokens: Path, args) -> dict:
    """One row: wrk against `path` after a warm-up, with the CPU the worker and its backends spent."""
    if path == submit_results.PATH:
        submit_results.reset(server.database_url)  # every setup starts from no results and no jobs
    wrk(server.url, path, tokens, args.warmup, args.connections)
    app_before, db_before = server.cpu_seconds()
    result = wrk(server.url, path, tokens, args.duration, args.connections)
    app_after, db_after = server.cpu_seconds()
    per_request = 1000 / max(result["requests"], 1)
    row = {"page": label, "setup": server.name, "rps": result["requests"] / result["duration_us"] * 1e6,
           "p50": result["p50_us"] / 1000, "p99": result["p99_us"] / 1000,
           "cpu_ms": (app_after - app_before) * per_request,
           "db_cpu_ms": backends_spent(db_before, db_after) * per_request,
           "errors": result["socket_errors"] + result["http_errors"]}
    print(f"  {label:46} {server.name:14} {row['rps']:8,.0f} req/s", file=sys.stderr)
    return row


def combine(rows: list[dict]) -> list[dict]:
    """One row per request and setup: the median round (by worker CPU), with the range of the ratio of
    worker CPU to bare's over the rounds (each round's setups were measured back to back)."""
    by_key = {}
    for row in rows:
        by_key.setdefault((row["page"], row["setup"]), []).append(row)
    combined = []
    for (page, _setup), runs in by_key.items():
        bare_runs = by_key[(page, "bare")]
        ratios = sorted(run["cpu_ms"] / bare["cpu_ms"] for run, bare in zip(runs, bare_runs, strict=True))
        median = sorted(runs, key=lambda run: run["cpu_ms"])[len(runs) // 2]
        combined.append({**median, "ratios": ratios})
    return combined


def same_answers(servers: list[Server], folder: Path) -> None:
    """Every setup must answer the same data, or the comparison compares different work."""
    for _, path, token_file in PAGES:
        token = (folder / token_file).read_text().split()[0]
        bodies = {s.name: json.loads(fetch(s.url + path, token)[1] or b"null") for s in servers}
        if len({json.dumps(b, sort_keys=True) for b in bodies.values()}) != 1:
            raise SystemExit(f"setups answer {path} differently: {list(bodies)}")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "?")
    return f"{os.cpu_count()} CPUs ({cpu}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


def load() -> str:
    return open("/proc/loadavg").read().split()[0]


def table(rows: list[dict]) -> str:
    lines = ["| request | setup | req/s | p50 ms | p99 ms | CPU ms/req: worker | PostgreSQL | worker CPU vs bare "
             "(range of rounds) | req/s vs bare |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        bare = next(r for r in rows if r["page"] == row["page"] and r["setup"] == "bare")
        errors = f" ({row['errors']} errors!)" if row["errors"] else ""
        ratios = row.get("ratios") or [row["cpu_ms"] / bare["cpu_ms"]]
        spread = f"{row['cpu_ms'] / bare['cpu_ms']:.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f})"
        lines.append(f"| {row['page']} | {row['setup']}{errors} | {row['rps']:,.0f} | {row['p50']:.1f} | "
                     f"{row['p99']:.1f} | {row['cpu_ms']:.2f} | {row['db_cpu_ms']:.2f} | {spread} | "
                     f"{row['rps'] / bare['rps']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", seed.DEFAULT_URL))
    parser.add_argument("--duration", type=int, default=15, help="measured seconds per setup and page")
    parser.add_argument("--pages", default="1,40,1000", help="comma list of pages to measure: 1, 40, 1000")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure each request and setup this many times, alternating; report the median")
    parser.add_argument("--no-submit", dest="submit", action="store_false",
                        help="skip POST /bitrix/results (submit_results.py)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent wrk connections")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured seconds before each run")
    parser.add_argument("--setups", default=",".join(SETUPS), help=f"comma list of: {', '.join(SETUPS)}")
    parser.add_argument("--candidate", metavar="DIR", action="append", default=[],
                        help="also serve the service from checkout DIR (a change to compare); repeatable")
    parser.add_argument("--no-lists", dest="lists", action="store_false",
                        help="skip the filtered lists' rows (filtered_lists.py)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    names = args.setups.split(",")
    for number, root in enumerate(args.candidate, 1):
        SETUPS[f"candidate {number}"] = (SETUPS["service"][0], Path(root).resolve())
        names.insert(number, f"candidate {number}")
    if "bare" not in names or not set(names) <= set(SETUPS):
        raise SystemExit(f"--setups must include 'bare' and name only: {', '.join(SETUPS)}")

    seed.ensure(args.database_url)
    submit_results.ensure(args.database_url, seed.PORTALS)
    if args.lists:
        filtered_lists.ensure(args.database_url, seed.PORTALS)
    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    write_tokens(folder)
    servers = [Server(name, args.database_url, folder) for name in names]
    rows, load_before = [], load()
    try:
        for server in servers:
            server.wait_ready((folder / "tokens.txt").read_text().split()[0])
        same_answers(servers, folder)
        pages = [p for p in PAGES if p[1].split("page=")[1].split("&")[0] in args.pages.split(",")]
        pages += [SUBMIT] if args.submit else []
        for round_ in range(args.rounds):
            for index, (label, path, token_file) in enumerate(pages):
                # Alternate who goes first: drifting background load then favours no setup.
                for server in servers if (index + round_) % 2 == 0 else servers[::-1]:
                    rows.append(measure(server, label, path, folder / token_file, args))
        rows = combine(rows)
        if args.lists:
            list_rows = measure_filtered_lists(servers, folder, args)
    finally:
        for server in servers:
            server.stop()
    rows.sort(key=lambda r: ([p[0] for p in [*PAGES, SUBMIT]].index(r["page"]), names.index(r["setup"])))
    print(f"\nGET /bitrix/users and POST /bitrix/results, {args.connections} connections (wrk), "
          f"{args.duration:g}s each after {args.warmup:g}s warm-up, one process per setup; {machine()}; "
          f"load average {load_before} before, {load()} after; logs in {folder}.\n"
          + ("service-quiet: the service with its `access` logger off. " if "service-quiet" in names else "")
          + "".join(f"candidate {n}: {root}. " for n, root in enumerate(args.candidate, 1)) + "\n")
    print(table(rows))
    if args.lists:
        print("\nFilters of the lists (issue 17), same load; bare Flask has no filters:\n")
        print(filtered_lists.table(list_rows))


def measure_filtered_lists(servers: list[Server], folder: Path, args) -> list[dict]:
    """filtered_lists.PAGES on the service (and candidates; bare has no filters), baselines first."""
    rows, served = [], [server for server in servers if server.name == "service" or server.name.startswith("candidate")]
    for server in served:
        filtered_lists.check_answers(server, folder, fetch)
    for index, (label, path, token_file, _) in enumerate(filtered_lists.PAGES):
        for server in served if index % 2 == 0 else served[::-1]:
            rows.append(measure(server, label, path, folder / token_file, args))
    return rows


if __name__ == "__main__":
    main()
