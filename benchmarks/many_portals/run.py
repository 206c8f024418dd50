"""Many portals at real Bitrix24 latency (issue 15): today's worker design next to the new one, in one run.

On one machine, on loopback: PostgreSQL (database `bench_many`, made afresh), a fake Bitrix24 process
with N portals at the real limits (bucket 50, drain 2/s), the API (gunicorn, 2 uvicorn workers,
RUN_WORKER=false). One account per portal is connected through the OAuth flow and synced, with a lead
rule on even portals and a deal rule on odd ones. Then, per design and scenario, a fresh
`python -m worker` (one process) serves a burst: a re-sync of every portal queued (as the 6-hourly
duty does) and 5 results per portal posted at once (16 client threads), every portal answering in
250 ms ± 50 ms; in the `slow` scenario portal 1 (a deal portal) answers in 25 s. Measured until every
result is delivered: time until all delivered, p50/p99 from POST to `delivered`, the same for the
portals other than the slow one, when the re-sync ended, REST requests, 503s, duplicates and lost
results (ORIGIN_IDs in the portals), overlapping jobs of one portal, the worker's peak RSS.

`today`: the service as it was before issue 15 (TODAY_COMMIT: one job at a time, a portal's whole
backlog per job, claims by priority then id), API and worker both from that commit (`git archive`).
`new`: this checkout at WORKER_CONCURRENCY (16). With `--today-portals K` today's design runs on the
first K portals only (a proportional subset: its serial time grows linearly with the portals).

Usage: .venv/bin/python benchmarks/many_portals/run.py [--portals 500] [--today-portals 500]
       [--designs new,today] [--scenarios plain,slow] [--concurrency 16] [--latency 0.25]
       [--jitter 0.05] [--slow 25] [--results 5] [--threads 16]
       .venv/bin/python benchmarks/many_portals/run.py --report /tmp/bench_many_.../scenarios.jsonl
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.load import accounts  # noqa: E402
from benchmarks.load.cluster import REPO, Cluster, fresh_database, poll  # noqa: E402
from benchmarks.load.report import machine  # noqa: E402
from benchmarks.load.run import free_port  # noqa: E402
from benchmarks.many_portals import scenario  # noqa: E402
from benchmarks.many_portals.report import markdown  # noqa: E402

# The last commit before issue 15: one job at a time, a portal's whole backlog per job.
TODAY_COMMIT = "6b4765e1709c59c3ca9a80e229faffc915a11453"
SLOW_PORTAL = 1  # a deal portal: two requests per chunk of results, so the slowest kind


def checkout(rev: str, folder: Path) -> Path:
    """The code of commit `rev` in a folder of its own (git archive: the working tree is not touched)."""
    target = folder / f"code-{rev[:10]}"
    target.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def settle(cluster: Cluster, deadline: float = 600) -> None:
    """Wait until no job is queued or running (the setup's syncs)."""
    if not poll(lambda: scenario.sql(cluster.database_url, "SELECT count(*) FROM job WHERE state IN "
                                     "('queued', 'running')")[0][0] == 0, deadline, every=1.0):
        raise SystemExit("many_portals: the setup's jobs did not end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--portals", type=int, default=500)
    parser.add_argument("--today-portals", type=int, default=0, help="today's design on the first K (0: all)")
    parser.add_argument("--designs", default="new,today")
    parser.add_argument("--scenarios", default="plain,slow")
    parser.add_argument("--concurrency", type=int, default=16, help="WORKER_CONCURRENCY of the new design")
    parser.add_argument("--today", default="", help="commit of today's design (default: TODAY_COMMIT)")
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--jitter", type=float, default=0.05)
    parser.add_argument("--slow", type=float, default=25.0, help="seconds the slow portal takes to answer")
    parser.add_argument("--results", type=int, default=5, help="results per portal")
    parser.add_argument("--threads", type=int, default=16, help="client threads posting the results")
    parser.add_argument("--deadline", type=float, default=3600, help="seconds a scenario may take")
    parser.add_argument("--database", default="bench_many")
    parser.add_argument("--report", help="print the tables of an earlier run's scenarios.jsonl and stop")
    args = parser.parse_args()
    if args.report:
        print(markdown([json.loads(line) for line in open(args.report)], args, os.getloadavg()))
        return
    folder = Path(tempfile.mkdtemp(prefix="bench_many_"))
    print(f"many_portals: logs in {folder}; {machine()}", flush=True)
    codes = {"new": REPO, "today": checkout(args.today or TODAY_COMMIT, folder)}
    cluster = Cluster(folder, fresh_database(args.database), free_port(), args.portals, lease=120,
                      env={"BITRIX_TIMEOUT_SECONDS": "30", "WORKER_POLL_SECONDS": "1", "JOB_RETRY_BASE_SECONDS": "5"})
    results = []
    try:
        cluster.start(workers=0)
        cluster.start_worker("setup", {"WORKER_CONCURRENCY": "16"})
        began = time.monotonic()
        accounts.connect_all(cluster.api_url, cluster.state)
        settle(cluster)
        cluster.stop_worker("setup")
        print(f"many_portals: {args.portals} accounts connected, synced, rules made in "
              f"{time.monotonic() - began:.0f} s", flush=True)
        for design in args.designs.split(","):
            if cluster.code != codes[design]:
                cluster.stop_api()
                cluster.code = codes[design]
                cluster.start_api()
            count = args.today_portals if design == "today" and args.today_portals else args.portals
            for kind in args.scenarios.split(","):
                name = f"{design}-{kind}"
                print(f"many_portals: {name} on {count} portals", flush=True)
                result = scenario.run(cluster, name, list(range(count)), SLOW_PORTAL if kind == "slow" else None,
                                      args, {"WORKER_CONCURRENCY": str(args.concurrency)}, args.deadline)
                result.update(design=design, scenario=kind)
                scenario.save(folder, result)
                results.append(result)
    finally:
        cluster.stop()
    print(markdown(results, args, os.getloadavg()))

if __name__ == "__main__":
    main()
