"""Fetching every user of a big portal from the fake Bitrix24: bitrix_client next to fast_bitrix24.

Per limit setting (bucket 50 at 2/s, then bucket 10 at 1/s) and contender, a fresh fake portal
(50,000 users, same seed) and a child process that fetches every user from it: our `fetch_all`, our
`fetch_all_by_id` (both with a LeakyBucket set to the portal's limits), and fast_bitrix24's
`get_all('user.get')` on the portal's webhook URL (told the same limits). Fresh portals, so that no
run inherits another's bucket level or per-method operating time (which fast_bitrix24 obeys).
Per run: REST requests and 503s (the fake's counters), the child's fetch wall time, our limiter's
waits, and the child's peak RSS (ru_maxrss). Prints a Markdown table and the targets met or missed.
Loopback only; every child is killed after --timeout seconds.

Usage: benchmarks/client_fetch/run.sh [--users 50000] [--clients ...] [--timeout 150]
"""
import argparse
import json
import math
import os
import platform
import re
import resource
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from bitrix_client.batch import MAX_COMMANDS  # noqa: E402
from bitrix_client.pages import PAGE_SIZE  # noqa: E402
from fake_bitrix import FakeBitrix  # noqa: E402

ROUNDS = ((50, 2.0), (10, 1.0))  # (bucket, drain/s): the real limits, then a tight bucket
OURS = ("fetch_all", "fetch_all_by_id")
FAST_BITRIX24 = "fast_bitrix24"
CONTENDERS = [*OURS, FAST_BITRIX24]
WEBHOOK_CODE = re.compile(r"/rest/\d+/[^/\s']+/")  # a failure's last line may quote the webhook URL


def run_child(python: str, script: str, job: dict, timeout: float) -> dict:
    """Run one fetch child, hand it `job`, return what it reports (or the failure)."""
    try:
        done = subprocess.run([python, str(HERE / script)], input=json.dumps(job), capture_output=True,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"failed": f"timed out after {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": f"exit {done.returncode}: {WEBHOOK_CODE.sub('/rest/…/', last)[:200]}"}
    return json.loads(lines[-1])


def measure(contender: str, bucket: int, drain: float, args) -> dict:
    """One contender's fetch from a fresh fake and portal: empty bucket, zero operating time and counters."""
    with FakeBitrix(client_id="local.bench.app", client_secret="bench-secret") as fake:
        portal = fake.add_portal(users=args.users, seed=1)
        warm_up(portal)
        portal.set_limits(bucket=bucket, drain=drain)  # also empties the bucket
        portal.reset_stats()
        job = {"bucket": bucket, "drain": drain}
        if contender == FAST_BITRIX24:
            python, script = args.fast_python, "fetch_fast_bitrix24.py"
            job["webhook"] = portal.webhook_url(1)
        else:
            python, script = sys.executable, "fetch_ours.py"
            job.update(path=contender, tokens=portal.issue_tokens(), oauth_url=fake.oauth_url,
                       client_id=fake.client_id, client_secret=fake.client_secret)
        before = cpu_seconds()
        result = run_child(python, script, job, args.timeout)
        fake_cpu, child_cpu = (after - then for after, then in zip(cpu_seconds(), before, strict=True))
        stats = portal.stats
    return {"contender": contender, "bucket": bucket, "drain": drain, "requests": stats["requests"],
            "rejected_503": stats["rejected_503"], "sub_calls": stats["batch_commands"],
            "fake_cpu": fake_cpu, "child_cpu": child_cpu, **result}


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process (the fake's threads) and of its finished children."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def warm_up(portal) -> None:
    """One counted page first, so the measured fetch does not pay the fake's first-scan costs."""
    with urllib.request.urlopen(f"{portal.webhook_url(1)}user.get", data=b"start=0", timeout=60) as answer:
        answer.read()


def request_target(users: int) -> int:
    """The issue's budget: one request per 2,500 users (a batch of 50 pages of 50), plus 2."""
    return math.ceil(users / (PAGE_SIZE * MAX_COMMANDS)) + 2


def bucket_floor(row: dict) -> float:
    """Seconds before the last request may enter a bucket that starts empty: (requests - size) / drain."""
    return max(0.0, (row["requests"] - row["bucket"]) / row["drain"])


def table(rows: list[dict]) -> str:
    """The measurements as a Markdown table, one row per run."""
    lines = ["| bucket / drain | client | items (unique) | requests | sub-calls | 503s | wall s | bucket floor s "
             "| limiter wait s (waits) | client CPU s | fake CPU s | RSS before fetch MB | peak RSS MB |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        limits = f"{r['bucket']} / {r['drain']:g} per s"
        if "failed" in r:
            lines.append(f"| {limits} | {r['contender']} | FAILED: {r['failed']} | {r['requests']} "
                         f"| {r['sub_calls']} | {r['rejected_503']} | - | - | - | - | {r['fake_cpu']:.1f} | - | - |")
            continue
        limiter = r.get("limiter")
        wait = f"{limiter['waited_seconds']:.1f} ({limiter['waits']})" if limiter else "n/a"
        lines.append(f"| {limits} | {r['contender']} | {r['items']:,} ({r['unique_ids']:,}) | {r['requests']} "
                     f"| {r['sub_calls']:,} | {r['rejected_503']} | {r['seconds']:.2f} | {bucket_floor(r):.1f} "
                     f"| {wait} | {r['child_cpu']:.1f} | {r['fake_cpu']:.1f} | {r['rss_before_mb']:.0f} "
                     f"| {r['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def verdicts(rows: list[dict], users: int) -> list[str]:
    """The issue's targets for each of our runs, against fast_bitrix24 in the same round."""
    lines = []
    for r in rows:
        if r["contender"] not in OURS:
            continue
        theirs = next((o for o in rows if o["contender"] == FAST_BITRIX24 and o["bucket"] == r["bucket"]), {})
        checks = [("all items", r.get("unique_ids") == users),
                  (f"requests <= {request_target(users)}", r["requests"] <= request_target(users)),
                  ("zero 503s", r["rejected_503"] == 0)]
        if "limiter" in r:
            # the limiter keeps (bucket - capacity) slots in reserve for jitter: that much extra wait is by design
            allowed = bucket_floor(r) + (r["bucket"] - r["limiter"]["capacity"]) / r["drain"]
            checks.append((f"limiter wait {r['limiter']['waited_seconds']:.1f} s <= floor + reserve {allowed:.1f} s",
                           r["limiter"]["waited_seconds"] <= allowed + 0.05))
        if "seconds" in theirs and "seconds" in r:
            checks += [(f"fewer requests than fast_bitrix24 ({r['requests']} vs {theirs['requests']})",
                        r["requests"] < theirs["requests"]),
                       (f"less wall time than fast_bitrix24 ({r['seconds']:.1f} vs {theirs['seconds']:.1f} s)",
                        r["seconds"] < theirs["seconds"])]
        elif "failed" in theirs:
            checks.append(("finished where fast_bitrix24 did not", "seconds" in r))
        said = "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks)
        lines.append(f"- {r['bucket']} / {r['drain']:g} per s, {r['contender']}: {said}")
    return lines


def machine() -> str:
    """nproc, CPU model, date and load: what the numbers depend on."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    return f"{os.cpu_count()} CPUs ({model}); Python {platform.python_version()}; {when}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--clients", nargs="+", choices=CONTENDERS, default=CONTENDERS)
    parser.add_argument("--timeout", type=float, default=150.0, help="seconds each child may take")
    parser.add_argument("--fast-python", default=str(HERE / ".venv" / "bin" / "python"),
                        help="a Python with fast_bitrix24 installed (run.sh makes one)")
    args = parser.parse_args()
    load_before, started, rows = os.getloadavg()[0], time.perf_counter(), []
    for bucket, drain in ROUNDS:
        for contender in args.clients:
            rows.append(measure(contender, bucket, drain, args))
    print(f"{args.users:,} users, a fresh fake portal per run; {machine()}; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after; {time.perf_counter() - started:.0f} s in all\n"
          "wall s = the fetch call inside the child; peak RSS = ru_maxrss of each child process "
          "(interpreter and imports included; 'before fetch' is its VmRSS once the client is built); "
          "bucket floor = (requests - bucket) / drain; client CPU = the child's whole run (startup included), "
          "fake CPU = this process during it (the fake's threads): both steadier than wall time on a busy machine\n")
    print(table(rows) + "\n")
    print("\n".join(verdicts(rows, args.users)))


if __name__ == "__main__":
    main()
