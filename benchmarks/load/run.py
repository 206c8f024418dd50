"""The load test and the fault drills of issue 8, on one machine, on loopback; stops by itself.

Starts PostgreSQL's database `bench_load` afresh, the fake Bitrix24 (N portals, real limits),
the API (gunicorn, 2 uvicorn workers, RUN_WORKER=false) and 2 `python -m worker` workers; connects
one account per portal through the OAuth flow and makes its quiz rule; then runs phases, each a
load run of the load tool (its own process), after which every accepted result must be delivered
exactly once: `load` (the measured run), `kill` (kill -9 a worker mid-job), `postgres` (restart
the server), `portal` (5xx bursts, timeouts and a stricter bucket on three groups of portals at once), or
one at a time on their own: `errors`, `timeouts`, `throttle`. Prints Markdown tables.

Usage: .venv/bin/python benchmarks/load/run.py [--duration 300] [--drill-duration 75]
       [--phases load,kill,postgres,portal] (also: errors,timeouts,throttle) [--portals 100]
       [--threads 8] [--rate 0]
"""
import argparse
import functools
import json
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.load import accounts, drills, report, verify  # noqa: E402
from benchmarks.load.cluster import Cluster, fresh_database  # noqa: E402

DRILL_AT = 15.0  # seconds into a drill's load run when the fault comes
DRILLS = {"kill": lambda cluster: drills.kill_worker_mid_job(cluster, cluster.database_url),
          "postgres": drills.restart_postgres,
          **{name: functools.partial(drills.portal_faults, name=name) for name in drills.PORTAL_FAULTS}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def phase(cluster: Cluster, args, name: str, folder: Path) -> dict:
    """One load run (with its drill, if any), then the wait for every delivery and the checks."""
    duration = args.duration if name == "load" else args.drill_duration
    out = folder / f"load-{name}.json"
    since = datetime.now(UTC).replace(tzinfo=None)
    probe = drills.ReadinessProbe(cluster.api_url)
    tool = subprocess.Popen([sys.executable, "benchmarks/load/load.py", "--api", cluster.api_url,
                             "--state", str(folder / "fake.json"), "--duration", str(duration), "--out", str(out),
                             "--threads", str(args.threads), "--rate", str(args.rate),
                             "--run-id", f"{name}{int(time.time())}"], cwd=Path(__file__).resolve().parents[2])
    drill = None
    if name in DRILLS:
        time.sleep(DRILL_AT)
        fault_at = time.time()
        drill = {"fault_at": fault_at, **DRILLS[name](cluster)}
    if tool.wait() != 0:
        raise SystemExit(f"load: the load tool failed in phase {name}")
    probe.stop.set()
    load = json.loads(out.read_text())
    states, waited = verify.wait_delivered(cluster.database_url, load["accepted"], deadline=600)
    return {"name": name, "load": load, "drill": drill, "not_ready": probe.down, "drain_wait_s": waited,
            "deliveries": verify.exactly_once(cluster.state["control_url"], states),
            "jobs": verify.job_table(cluster.database_url, since)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=300, help="seconds of the measured load run")
    parser.add_argument("--drill-duration", type=float, default=75, help="seconds of each drill's load run")
    parser.add_argument("--phases", default="load,kill,postgres,portal")
    parser.add_argument("--portals", type=int, default=100)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rate", type=float, default=0, help="requests/s in all; 0: as fast as the threads go")
    parser.add_argument("--lease", type=float, default=10, help="JOB_LEASE_SECONDS of the workers")
    parser.add_argument("--database", default="bench_load")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_load_"))
    print(f"load: logs and state in {folder}", flush=True)
    cluster = Cluster(folder, fresh_database(args.database), free_port(), args.portals, args.lease)
    try:
        cluster.start()
        took = accounts.connect_all(cluster.api_url, cluster.state)
        print(f"load: {len(took)} accounts connected through OAuth, synced, rules made "
              f"(slowest {max(took):.1f} s)", flush=True)
        phases = []
        for name in args.phases.split(","):
            print(f"load: phase {name}", flush=True)
            phases.append(phase(cluster, args, name, folder))
        runs = verify.job_runs({name: folder / f"{name}.log" for name in cluster.workers}, cluster.database_url)
    finally:
        cluster.stop()
    (folder / "summary.json").write_text(json.dumps({"phases": phases, "job_runs": runs}, default=str))
    print(report.markdown(phases, runs, args, folder))


if __name__ == "__main__":
    main()
