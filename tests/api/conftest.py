"""A real server process for the tests that must see what uvicorn serves, not a test client."""
import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import service_environment

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


@contextlib.contextmanager
def serving(env: dict, log_path: Path):
    """`uvicorn wsgi:app` with this environment on a loopback port of its own; yields (base URL, process).

    On leaving, the process gets SIGTERM (a graceful stop) and 30 s to exit.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    log = log_path.open("w")
    # The socket is bound here and handed over: no window in which another process takes the port.
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "wsgi:app", "--fd", str(listener.fileno()),
                               "--no-access-log"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),))
    listener.close()
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(base_url + "/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "server did not start: " + log_path.read_text()
            time.sleep(0.1)
        yield base_url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def live_server(settings, tmp_path):
    """`uvicorn wsgi:app` on the test database (no embedded worker); yields its base URL."""
    with serving(service_environment(settings), tmp_path / "server.log") as (base_url, _):
        yield base_url
