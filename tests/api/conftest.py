"""A real server process for the tests that must see what uvicorn serves, not a test client."""
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


def _environment(settings) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BITRIX_", "JWT_"))}
    env.update(DATABASE_URL=settings.database_url, JWT_SECRET=settings.jwt_secret, SECRET_KEY=settings.secret_key,
               BITRIX_CLIENT_ID=settings.bitrix_client_id, BITRIX_CLIENT_SECRET=settings.bitrix_client_secret,
               BITRIX_OAUTH_URL=settings.bitrix_oauth_url, RUN_WORKER="false", AUTO_MIGRATE="false",
               DB_POOL_SIZE="4", LOG_LEVEL="WARNING", APP_ENV="development")
    if settings.bitrix_oauth_servers:
        env["BITRIX_OAUTH_SERVERS"] = ",".join(settings.bitrix_oauth_servers)
    if settings.bitrix_allow_http:
        env["BITRIX_ALLOW_HTTP"] = "true"
    return env


@pytest.fixture
def live_server(settings, tmp_path):
    """`uvicorn wsgi:app` on a loopback port of its own, on the test database; yields its base URL."""
    with serving(settings, tmp_path) as base_url:
        yield base_url


@contextlib.contextmanager
def serving(settings, tmp_path, public=False):
    """`uvicorn wsgi:app` for these settings (`public`: PUBLIC_URL is its own address); its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    env = _environment(settings)
    if public:
        env["PUBLIC_URL"] = base_url
    log = (tmp_path / "server.log").open("w")
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
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "server did not start: " + (tmp_path / "server.log").read_text()
            time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
