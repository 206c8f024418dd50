"""The processes of the load test on one machine: the fake Bitrix24, the API (gunicorn, two
uvicorn workers) and dedicated job workers, all on one PostgreSQL database; each logs to a file."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import requests

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
JWT_SECRET = "load-jwt-secret-of-at-least-64-bytes-for-every-hmac-algorithm-0123456"


def fresh_database(name: str) -> str:
    """An empty database (never `test`: the suites of other sessions use it); returns its URL."""
    assert name != "test"
    server = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *server, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *server, name], check=True)
    return f"{PG_SERVER}/{name}"


def poll(check, deadline: float, every: float = 0.2):
    """Call `check` until it returns something truthy (errors count as not yet); None after `deadline` s."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        try:
            answer = check()
            if answer:
                return answer
        except (requests.RequestException, OSError, ValueError, psycopg2.Error):
            pass
        time.sleep(every)
    return None


def wait_until(check, what: str, deadline: float):
    """`poll`, or SystemExit naming `what` when the deadline passes."""
    answer = poll(check, deadline)
    if answer is None:
        raise SystemExit(f"load: gave up waiting for {what}")
    return answer


class Cluster:
    """Starts and stops the processes; `folder` receives their logs and the fake's state file.

    The service's processes run the code in `code` (this checkout unless told; another checkout to
    compare designs), with `env` on top of `service_env`.
    """

    def __init__(self, folder: Path, database_url: str, port: int, portals: int, lease: float,
                 code: Path = REPO, env: dict | None = None):
        self.folder, self.database_url, self.port, self.portals = folder, database_url, port, portals
        self.lease, self.code, self.env = lease, code, env or {}
        self.api_url = f"http://127.0.0.1:{port}"
        self.fake = self.api = None
        self.workers: dict[str, subprocess.Popen] = {}
        self.state: dict = {}

    def _spawn(self, name: str, argv: list, env: dict | None = None, cwd: Path | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        return subprocess.Popen(argv, cwd=cwd or self.code, env={**os.environ, **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def service_env(self) -> dict:
        return {"DATABASE_URL": self.database_url, "DB_POOL_SIZE": "10", "JWT_SECRET": JWT_SECRET,
                "SECRET_KEY": "load-secret-key-of-at-least-32-bytes-long",
                "BITRIX_OAUTH_URL": self.state["oauth_url"], "BITRIX_CLIENT_ID": self.state["client_id"],
                "BITRIX_CLIENT_SECRET": self.state["client_secret"], "BITRIX_ALLOW_HTTP": "true",
                "BITRIX_TIMEOUT_SECONDS": "5", "LOG_FORMAT": "json", "RUN_WORKER": "false",
                "WORKER_POLL_SECONDS": "0.5", "JOB_LEASE_SECONDS": str(self.lease),
                "JOB_RETRY_BASE_SECONDS": "2", "AUTO_MIGRATE": "false", **self.env}

    def start(self, workers: int = 2) -> None:
        state_file = self.folder / "fake.json"
        self.fake = self._spawn("fake", [sys.executable, "benchmarks/load/fake_portals.py", "--portals",
                                         str(self.portals), "--out", str(state_file),
                                         "--redirect-uri", f"{self.api_url}/webhook/create"], cwd=REPO)
        wait_until(state_file.exists, "the fake Bitrix24", 120)
        self.state = json.loads(state_file.read_text())
        # Migrate once before the processes start (they would serialise on an advisory lock anyway).
        subprocess.run([sys.executable, "-m", "storage", "migrate"], cwd=REPO, check=True,
                       env={**os.environ, **self.service_env()}, stdout=subprocess.DEVNULL)
        self.start_api()
        for index in range(workers):
            self.start_worker(f"worker-{index + 1}")

    def start_api(self) -> None:
        # The service's own worker class holds request lines and headers to its limits; an older
        # checkout being compared (`code`) has none.
        worker_class = ("web.serving.UvicornWorker" if (Path(self.code) / "web" / "serving.py").exists()
                        else "uvicorn_worker.UvicornWorker")
        self.api = self._spawn("api", [str(VENV_BIN / "gunicorn"), "-k", worker_class, "-w", "2",
                                       "-b", f"127.0.0.1:{self.port}", "--graceful-timeout", "10", "wsgi:app"],
                               self.service_env())
        wait_until(lambda: requests.get(f"{self.api_url}/health/ready", timeout=2).ok, "the API", 60)

    def stop_api(self) -> None:
        _terminate([self.api])
        self.api = None

    def start_worker(self, name: str, env: dict | None = None) -> subprocess.Popen:
        """A dedicated `python -m worker` process; its log is `<name>.log`."""
        self.workers[name] = self._spawn(name, [sys.executable, "-m", "worker"], {**self.service_env(), **(env or {})})
        return self.workers[name]

    def stop_worker(self, name: str) -> None:
        """SIGTERM: the worker finishes or gives back its jobs, then exits."""
        _terminate([self.workers.pop(name)])

    def worker_of_pid(self, pid: int) -> str | None:
        return next((name for name, proc in self.workers.items() if proc.pid == pid), None)

    def kill_worker(self, name: str) -> None:
        """kill -9: no chance to finish or release the job in hand."""
        self.workers[name].send_signal(signal.SIGKILL)
        self.workers[name].wait()

    def stop(self) -> None:
        """SIGTERM to everything we started (workers finish or give back their jobs), then wait."""
        _terminate([*self.workers.values(), self.api, self.fake])


def _terminate(procs: list) -> None:
    """SIGTERM to each process still running, then wait for all (30 s each, then kill)."""
    procs = [proc for proc in procs if proc is not None]
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
