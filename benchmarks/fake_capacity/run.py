"""Can one fake process host many slow portals? Start time, RSS, fds, threads, idle CPU, concurrent load.

This process starts the fake (``--portals`` seeded portals, real limits: bucket 50 at 2/s, each with
``--latency`` ± ``--jitter``), measures it idle, then a child process (the load, so that its CPU does
not count as the fake's) sends ``--requests`` delivery-like batches (contact add, deal add pointing at
it, deal get), ``--concurrency`` at a time, portals round robin, one keep-alive session per portal
and thread (as a worker's portal clients). Meanwhile the fake's RSS, threads and open fds are
sampled. Prints a Markdown summary. Loopback only.

Usage: .venv/bin/python benchmarks/fake_capacity/run.py [--portals 500] [--latency 0.25] [--jitter 0.05]
       [--concurrency 200] [--requests 3000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[2]))

import requests  # noqa: E402

from fake_bitrix import FakeBitrix  # noqa: E402

COMMANDS = {"c": "crm.contact.add?fields[NAME]=Анна&fields[PHONE][0][VALUE]=+79161234567",
            "d": "crm.deal.add?fields[TITLE]=Квиз&fields[CONTACT_IDS][0]=$result[c]",
            "g": "crm.deal.get?id=$result[d]"}


def process_figures() -> dict:
    """This process's RSS (MB), threads and open file descriptors, CPU seconds so far."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {"rss_mb": int(status["VmRSS"].split()[0]) / 1024, "threads": int(status["Threads"]),
            "fds": len(os.listdir("/proc/self/fd")), "cpu_s": time.process_time()}


class Sampler:
    """Peaks of the fake's figures while the load runs."""

    def __init__(self):
        self.peak = process_figures()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.2):
            now = process_figures()
            self.peak = {key: max(self.peak[key], now[key]) for key in now}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()


def load(state_path: str, concurrency: int, total: int) -> None:
    """The child: send the batches, print what it saw as JSON."""
    from concurrent.futures import ThreadPoolExecutor
    portals = json.loads(Path(state_path).read_text())
    local = threading.local()

    def one(index: int):
        portal = portals[index % len(portals)]
        sessions = local.__dict__.setdefault("sessions", {})
        session = sessions.setdefault(portal["endpoint"], requests.Session())
        began = time.monotonic()
        try:
            response = session.post(f"{portal['endpoint']}batch", timeout=30,
                                    json={"auth": portal["token"], "halt": 0, "cmd": COMMANDS})
            status = response.status_code
        except requests.RequestException as error:
            status = type(error).__name__
        return status, time.monotonic() - began

    began = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        outcomes = list(pool.map(one, range(total)))
    wall = time.monotonic() - began
    times = sorted(took for _, took in outcomes)
    statuses = {}
    for status, _ in outcomes:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    print(json.dumps({"wall_s": wall, "p50_s": times[len(times) // 2], "p99_s": times[int(len(times) * 0.99)],
                      "max_s": times[-1], "statuses": statuses}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--portals", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--jitter", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--load", help=argparse.SUPPRESS)  # the child's role: path of the portals file
    args = parser.parse_args()
    if args.load:
        return load(args.load, args.concurrency, args.requests)

    began = time.monotonic()
    fake = FakeBitrix().start()
    portals = [fake.add_portal(users=30, seed=index + 1) for index in range(args.portals)]
    started = time.monotonic() - began
    for portal in portals:
        portal.set_limits(bucket=50, drain=2.0)
        portal.set_latency(args.latency, args.jitter)
    idle_from = process_figures()
    time.sleep(5)
    idle = process_figures()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as state:
        json.dump([{"endpoint": p.client_endpoint, "token": p.issue_tokens()["access_token"]} for p in portals], state)
    cpu_before = process_figures()["cpu_s"]
    with Sampler() as sampler:
        child = subprocess.run([sys.executable, str(HERE), "--load", state.name, "--concurrency",
                                str(args.concurrency), "--requests", str(args.requests)],
                               capture_output=True, text=True, check=True)
    os.unlink(state.name)
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    fake_cpu = process_figures()["cpu_s"] - cpu_before
    fake.stop()

    print(f"| {args.portals} portals, latency {args.latency} ± {args.jitter} s | |\n| --- | --- |")
    print(f"| start (seed + listen) | {started:.1f} s |")
    print(f"| idle: RSS, threads, fds | {idle['rss_mb']:.0f} MB, {idle['threads']}, {idle['fds']} |")
    print(f"| idle CPU over 5 s | {idle['cpu_s'] - idle_from['cpu_s']:.2f} s |")
    print(f"| load: {args.requests} batches (3 commands), {args.concurrency} at a time | "
          f"{seen['wall_s']:.1f} s, {args.requests / seen['wall_s']:.0f} batches/s |")
    print(f"| per batch p50 / p99 / max | {seen['p50_s'] * 1000:.0f} / {seen['p99_s'] * 1000:.0f} / "
          f"{seen['max_s'] * 1000:.0f} ms |")
    print(f"| answers | {seen['statuses']} |")
    print(f"| fake CPU during load | {fake_cpu:.1f} s ({fake_cpu / seen['wall_s'] * 100:.0f}% of a core) |")
    print(f"| peak RSS, threads, fds | {sampler.peak['rss_mb']:.0f} MB, {sampler.peak['threads']}, "
          f"{sampler.peak['fds']} |")


if __name__ == "__main__":
    main()
