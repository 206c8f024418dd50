"""Child: every user of the portal through bitrix_client (`fetch_all` or `fetch_all_by_id`).

Runs with the project's venv; reads its job (tokens, limits, which path) as JSON on stdin.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import child  # noqa: E402

from bitrix_client import BitrixClient, LeakyBucket, OAuthClient, TokenHolder, TokenSet  # noqa: E402


def main() -> None:
    job = child.order()
    oauth = OAuthClient(job["oauth_url"], job["client_id"], job["client_secret"])
    holder = TokenHolder(TokenSet.from_answer(job["tokens"]), oauth)
    limiter = LeakyBucket(job["bucket"], job["drain"])
    client = BitrixClient(holder, limiter=limiter, allow_http=True)
    fetch = getattr(client, job["path"])
    result = child.timed(lambda: fetch("user.get"))
    child.send({**result, "limiter": {**limiter.stats(), "capacity": limiter.capacity}})


if __name__ == "__main__":
    main()
