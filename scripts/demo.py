"""`make demo`: the fake Bitrix24 and the service, a demo account connected through the real
OAuth flow and synced, a token printed; runs until Ctrl-C.

Everything listens on loopback; the service keeps its data in var/demo.db.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jwt
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fake_bitrix import FakeBitrix  # noqa: E402
from settings import DEV_JWT_SECRET  # noqa: E402

HOST, PORT = "127.0.0.1", int(os.environ.get("PORT", "8080"))
SERVICE = f"http://{HOST}:{PORT}"
ACCOUNT = "demo-account"


def wait_for(check, what: str, deadline: float = 30.0):
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        try:
            result = check()
            if result:
                return result
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"demo: gave up waiting for {what}")


def main() -> None:
    fake = FakeBitrix(redirect_uri=f"{SERVICE}/webhook/create", port=0).start()
    portal = fake.add_portal(users=40, seed=7)
    database = ROOT / "var" / "demo.db"
    for leftover in database.parent.glob("demo.db*"):
        leftover.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "BITRIX_OAUTH_URL": fake.oauth_url,
           "BITRIX_CLIENT_ID": fake.client_id, "BITRIX_CLIENT_SECRET": fake.client_secret,
           "BITRIX_ALLOW_HTTP": "true", "BITRIX_REDIRECT_URL": "/ui/", "WORKER_POLL_SECONDS": "0.2"}
    service = subprocess.Popen([sys.executable, "-m", "uvicorn", "wsgi:app", "--host", HOST, "--port", str(PORT),
                                "--no-access-log", "--log-level", "warning",
                                "--http", "web.serving:LimitedHttpToolsProtocol"], cwd=ROOT, env=env)
    try:
        wait_for(lambda: requests.get(f"{SERVICE}/openapi.json", timeout=2).ok, "the service to start")
        token = jwt.encode({"sub": ACCOUNT, "exp": int(time.time()) + 24 * 3600}, DEV_JWT_SECRET, algorithm="HS256")
        headers = {"Authorization": f"Bearer {token}"}
        answer = requests.post(f"{SERVICE}/bitrix/account", json={"client_bitrix_url": portal.url},
                               headers=headers, timeout=10).json()
        # What the person's browser does: the portal approves and redirects to our callback.
        landed = requests.get(answer["authURL"], timeout=10)
        print(f"demo: OAuth flow finished at {landed.url.split('?')[0]}")
        users = wait_for(lambda: requests.get(f"{SERVICE}/bitrix/users", headers=headers, timeout=5).json()
                         .get("count"), "the first sync")
        print(f"""
The service at {SERVICE} is connected to a fake portal ({portal.url}) and synced: {users} users.
  Swagger UI:  {SERVICE}/ui/   (Authorize with the token below)
  Token ({ACCOUNT}, 24 h):
    {token}
  Try:  curl -H 'Authorization: Bearer {token}' {SERVICE}/bitrix/pipelines
Ctrl-C stops both.""", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        service.wait()
    except KeyboardInterrupt:
        pass
    finally:
        service.terminate()
        service.wait(timeout=30)
        fake.stop()


if __name__ == "__main__":
    main()
