"""The load test's platform accounts: one per portal, connected through the real OAuth flow,
synced by the workers, each with a rule for the quiz."""
import time
from concurrent.futures import ThreadPoolExecutor

import jwt
import requests

from benchmarks.load.cluster import JWT_SECRET, wait_until


def account_id(index: int) -> str:
    return f"load-account-{index:03d}"


def token(index: int, lifetime: float = 4 * 3600) -> str:
    return jwt.encode({"sub": account_id(index), "exp": int(time.time() + lifetime)}, JWT_SECRET, algorithm="HS256")


def headers(index: int) -> dict:
    return {"Authorization": f"Bearer {token(index)}"}


def connect(api_url: str, index: int, portal: dict, quiz: int) -> float:
    """POST /bitrix/account, follow authURL as the browser would, then create the rule once the
    sync has the rule's references; returns the seconds it took."""
    started, auth = time.monotonic(), headers(index)
    with requests.Session() as browser:
        answer = browser.post(f"{api_url}/bitrix/account", json={"client_bitrix_url": portal["url"]},
                              headers=auth, timeout=30)
        answer.raise_for_status()
        # The portal approves and 302s to /webhook/create, which 302s on to BITRIX_REDIRECT_URL.
        landed = browser.get(answer.json()["authURL"], timeout=30, allow_redirects=True)
        if "bitrix_error" in landed.url:
            raise SystemExit(f"load: OAuth flow of {account_id(index)} failed: {landed.url.split('?')[-1]}")

        def rule_created():
            # 404 until the sync has stored what the rule refers to; 409: a rerun already made it.
            answer = browser.post(f"{api_url}/bitrix/rules/{quiz}", json=portal["rule"], headers=auth, timeout=30)
            return answer.status_code in (200, 409)
        wait_until(rule_created, f"the sync and rule of {account_id(index)}", 300)
    return time.monotonic() - started


def connect_all(api_url: str, state: dict, parallel: int = 8) -> list[float]:
    """Every portal of the fake bound to its own account; the seconds each one took."""
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda item: connect(api_url, item[0], item[1], state["quiz"]),
                             enumerate(state["portals"])))
