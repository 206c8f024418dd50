"""Real server processes for the tests that must see what uvicorn and gunicorn serve, not a test client.

A server is started as `make run` (uvicorn) or `make serve` (gunicorn with the service's uvicorn
worker) starts it, on a loopback socket bound here and handed over (no window in which another
process takes the port), on the test database, with its log in a file the test can read.
"""
import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import service_environment, settings_for

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30
COMMANDS = {
    "uvicorn": lambda fd: [sys.executable, "-m", "uvicorn", "wsgi:app", "--fd", str(fd), "--no-access-log",
                           "--http", "web.serving:LimitedHttpToolsProtocol"],
    "gunicorn": lambda fd: [sys.executable, "-m", "gunicorn", "-k", "web.serving.UvicornWorker", "-w", "1",
                            "-b", f"fd://{fd}", "wsgi:app"],
}


class Server:
    """A running server process: its base URL, its log, and the memory of the process serving requests."""

    def __init__(self, url: str, process: subprocess.Popen, log_path: Path):
        self.url, self.process, self.log_path = url, process, log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def serving_pid(self) -> int:
        """uvicorn's own pid; for gunicorn, its worker's (the arbiter serves nothing)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0]) if children else self.process.pid

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.serving_pid()}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


@contextlib.contextmanager
def running_server(settings, log_path: Path, kind: str = "uvicorn", public: bool = False, **env):
    """A server of `kind` on `settings`' database, with extra environment `env`, until the block ends;
    `public`: its own address is its PUBLIC_URL (Bitrix24's events come back to it)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    if public:
        env["PUBLIC_URL"] = url
    log = log_path.open("w")
    process = subprocess.Popen(COMMANDS[kind](listener.fileno()), cwd=ROOT, env=service_environment(settings, **env),
                               stdout=log, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),))
    listener.close()
    server = Server(url, process, log_path)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(url + "/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, server.log()
            assert time.monotonic() < deadline, "server did not start: " + server.log()
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()  # a graceful stop: an embedded worker finishes or gives back its jobs
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def live_server(settings, tmp_path):
    """`uvicorn wsgi:app` as `make run` serves it, on the test database; yields its base URL."""
    with serving(settings, tmp_path) as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory, request):
    """`make run`'s server on the test database, one for all the tests of a module."""
    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    with running_server(settings_for(database_url), folder / "server.log") as running:
        yield running


@contextlib.contextmanager
def serving(settings, tmp_path, public=False):
    """`make run`'s server for these settings; its base URL."""
    with running_server(settings, tmp_path / "server.log", public=public) as server:
        yield server.url


@pytest.fixture
def serve(settings, tmp_path):
    """Factory: `serve(kind="uvicorn", **environment)` starts a server for this test and returns it."""
    with contextlib.ExitStack() as stack:
        def start(kind="uvicorn", **env) -> Server:
            log_path = tmp_path / f"{kind}-{len(stack._exit_callbacks)}.log"
            return stack.enter_context(running_server(settings, log_path, kind, **env))
        yield start
