"""The fault drills, each run in a thread while the load tool runs: what was done, when, and what
was seen until the service had recovered by itself."""
import subprocess
import threading
import time
from pathlib import Path

import psycopg2
import requests

from benchmarks.load.cluster import PG_SERVER, poll


def _query(database_url: str, sql: str, args=()):
    with psycopg2.connect(database_url, connect_timeout=3) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


class ReadinessProbe:
    """Polls /health/ready as a load balancer would; remembers when it was not ready."""

    def __init__(self, api_url: str):
        self.api_url, self.down = api_url, []  # [(unix time, status or exception)]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(0.25):
            try:
                status = requests.get(f"{self.api_url}/health/ready", timeout=5).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            if status != 200:
                self.down.append((time.time(), status))


def kill_worker_mid_job(cluster, database_url: str) -> dict:
    """Slow every portal's next batch (3 s) so deliveries are caught mid-call, kill -9 the worker of
    one, and watch the other worker take the job over once the lease has run out."""
    requests.post(f"{cluster.state['control_url']}/faults",
                  json={"fail": {"method": "batch", "times": 1, "status": None, "delay": 3.0}}, timeout=10)

    def running_delivery():
        for job_id, worker, portal in _query(database_url, """
                SELECT id, worker, member_id FROM job WHERE state = 'running' AND kind = 'deliver'
                AND updated_at < (now() AT TIME ZONE 'utc') - interval '0.5 seconds'"""):
            name = cluster.worker_of_pid(int(worker.split(":")[1]))
            if name:
                return job_id, worker, name, portal
    caught = poll(running_delivery, 60)
    if caught is None:
        return {"error": "no delivery job was caught running"}
    job_id, worker_id, name, portal = caught
    cluster.kill_worker(name)
    killed = time.monotonic()
    taken = poll(lambda: _query(database_url, "SELECT 1 FROM job WHERE id = %s AND (state <> 'running' OR "
                                 "worker <> %s)", (job_id, worker_id)), 120, 0.2)
    taken_after = time.monotonic() - killed if taken else None
    done = poll(lambda: _query(database_url, "SELECT 1 FROM job WHERE id = %s AND state = 'done'", (job_id,)),
                 180, 0.2)
    cluster.start_worker(f"{name}-restarted")  # the process manager's restart, after the drill
    requests.post(f"{cluster.state['control_url']}/clear", timeout=10)
    return {"killed": name, "job": job_id, "job_requeued_after_s": taken_after,
            "job_done_after_s": time.monotonic() - killed if done else None}


def others_testing(server_url: str = PG_SERVER) -> int:
    """Sessions (not ours) busy on the shared `test` database."""
    rows = _query(f"{server_url}/postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = 'test' "
                  "AND pid <> pg_backend_pid() AND state <> 'idle'")
    return rows[0][0]


def restart_postgres(cluster, quiet_deadline: float = 900) -> dict:
    """Restart the PostgreSQL server (after the other sessions' tests on `test` are done)."""
    waited = time.monotonic()
    while others_testing() and time.monotonic() - waited < quiet_deadline:
        time.sleep(2)
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    fault_at, started = time.time(), time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   capture_output=True)
    return {"fault_at": fault_at, "waited_for_tests_s": round(started - waited, 1),
            "restart_took_s": round(time.monotonic() - started, 1)}


PORTAL_FAULTS = {
    # 5xx bursts on portals 0-29, answers slower than the client's timeout (the write still
    # happens) on 30-59, a tenth of the real limits on 60-99
    "portal": [{"first": 0, "count": 30, "fail": {"times": 15, "status": 500}},
               {"first": 30, "count": 30, "fail": {"times": 3, "status": None, "delay": 8.0}},
               {"first": 60, "count": 40, "limits": {"bucket": 5, "drain": 0.2}}],
    "errors": [{"fail": {"times": 15, "status": 500}}],  # every portal
    "timeouts": [{"first": 0, "count": 10, "fail": {"times": 3, "status": None, "delay": 8.0}}],
    "throttle": [{"limits": {"bucket": 5, "drain": 0.2}}],  # every portal
}


def portal_faults(cluster, name: str, window: float = 30.0) -> dict:
    """For `window` seconds the portals misbehave as PORTAL_FAULTS[name] says; then all are mended."""
    control, orders = cluster.state["control_url"], PORTAL_FAULTS[name]
    before = requests.get(f"{control}/stats", timeout=10).json()
    for order in orders:
        requests.post(f"{control}/faults", json=order, timeout=10)
    time.sleep(window)
    during = requests.get(f"{control}/stats", timeout=10).json()
    requests.post(f"{control}/clear", timeout=10)
    mended = time.monotonic()
    # Recovered when nothing submitted before the portals were mended is still waiting.
    backlog_cleared = poll(lambda: _query(cluster.database_url, """
        SELECT 1 FROM delivery WHERE status IN ('queued', 'sending')
        AND created_at < (now() AT TIME ZONE 'utc') - %s * interval '1 second' HAVING count(*) = 0""",
                                           (time.monotonic() - mended,)), 600, 0.5)
    return {"window_s": window, **{f"portal_{key}_during": during[key] - before[key] for key in before},
            "backlog_delivered_after_mend_s": time.monotonic() - mended if backlog_cleared else None}
