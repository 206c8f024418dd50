"""One scenario: a burst of quiz results for many portals plus a re-sync of each of them, served by a
fresh `python -m worker`, measured until every result is delivered.

Times are wall-clock seconds from the burst's start (the re-syncs are queued, then the results are
posted); a result's latency runs from just before its POST to its `delivered_at`.
"""
import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg2
import requests

from benchmarks.load import verify
from benchmarks.load.accounts import account_id, headers
from benchmarks.load.cluster import poll
from benchmarks.load.load import result_body

SYNC_KINDS = ("sync_users", "sync_steps", "sync_pipelines", "sync_fields")


def sql(database_url: str, query: str, params=()) -> list:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else []


def quiet_queue(database_url: str) -> None:
    """Drop what an earlier scenario left queued (a slow portal's syncs), so that each starts alike."""
    sql(database_url, "DELETE FROM job WHERE state IN ('queued', 'running', 'held')")


def fake(control_url: str, path: str, order: dict | None = None) -> dict:
    answer = requests.post(f"{control_url}{path}", json=order or {}, timeout=60)
    answer.raise_for_status()
    return answer.json()


def queue_resyncs(database_url: str, member_ids: list) -> None:
    """What the 6-hourly duty queues (worker/duties.py), for these portals: a sync of each list."""
    from service import sync
    from storage import db
    db.bind(database_url, pool_size=2)
    with db.connection():
        for member_id in member_ids:
            sync.queue(member_id)


def post_burst(api_url: str, quiz: int, indexes: list, per_portal: int, run_id: str, threads: int) -> dict:
    """POST `per_portal` results for each portal, shuffled, `threads` at a time; {(account, resultID): sent}."""
    items = [(index, f"{run_id}-{index}-{n}") for index in indexes for n in range(per_portal)]
    random.Random(run_id).shuffle(items)
    local = threading.local()

    def post(item):
        index, result_id = item
        session = local.__dict__.setdefault("session", requests.Session())
        sent = time.time()
        answer = session.post(f"{api_url}/bitrix/results", json=result_body(quiz, result_id), headers=headers(index),
                              timeout=60)
        if answer.status_code != 202:
            raise SystemExit(f"many_portals: POST {result_id} answered {answer.status_code}: {answer.text[:200]}")
        return (account_id(index), result_id), sent

    with ThreadPoolExecutor(threads) as pool:
        return dict(pool.map(post, items))


def deliveries(database_url: str, run_id: str) -> dict:
    """{(account, resultID): (delivery id, status, delivered at as Unix time or None)} of this run."""
    rows = sql(database_url, "SELECT account_id, result_id, id, status, delivered_at FROM delivery "
                             "WHERE result_id LIKE %s", (f"{run_id}-%",))
    return {(account, result): (row_id, status, at.replace(tzinfo=UTC).timestamp() if at else None)
            for account, result, row_id, status, at in rows}


def _all_ended(states: dict) -> dict | None:
    """The states when no result of the run waits any more, else None."""
    return states if states and all(status in ("delivered", "failed") for _, status, _ in states.values()) else None


def syncs_left(database_url: str, since: datetime, skip: str) -> int:
    return sql(database_url, "SELECT count(*) FROM job WHERE kind LIKE 'sync_%%' AND created_at >= %s AND "
                             "member_id <> %s AND state NOT IN ('done', 'failed')", (since, skip))[0][0]


def peak_rss_mb(pid: int) -> float:
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status").read().splitlines())
    return int(status["VmHWM"].split()[0]) / 1024


def percentile(values: list, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def run(cluster, name: str, indexes: list, slow: int | None, args, worker_env: dict, deadline: float) -> dict:
    """The scenario on the portals `indexes` (portal `slow` answering in args.slow seconds, if any)."""
    portals, control = cluster.state["portals"], cluster.state["control_url"]
    quiet_queue(cluster.database_url)
    fake(control, "/faults", {"latency": {"seconds": args.latency, "jitter": args.jitter}})
    if slow is not None:
        fake(control, "/faults", {"first": slow, "count": 1, "latency": {"seconds": args.slow, "jitter": 0.0}})
    before, load_before = requests.get(f"{control}/stats", timeout=60).json(), os.getloadavg()
    worker = cluster.start_worker(name, worker_env)
    log = cluster.folder / f"{name}.log"
    poll(lambda: "started" in log.read_text(errors="replace"), 60)
    run_id, since = f"{name}-{int(time.time())}", datetime.now(UTC).replace(tzinfo=None)
    began = time.time()
    queue_resyncs(cluster.database_url, [portals[index]["member_id"] for index in indexes])
    sent = post_burst(cluster.api_url, cluster.state["quiz"], indexes, args.results, run_id, args.threads)
    posted = time.time() - began
    states = poll(lambda: _all_ended(deliveries(cluster.database_url, run_id)), deadline, every=1.0) \
        or deliveries(cluster.database_url, run_id)
    slow_account = account_id(slow) if slow is not None else None
    skip = portals[slow]["member_id"] if slow is not None else ""
    poll(lambda: syncs_left(cluster.database_url, since, skip) == 0, deadline, every=1.0)
    resynced = sql(cluster.database_url, "SELECT max(finished_at) FROM job WHERE kind LIKE 'sync_%%' AND "
                                         "created_at >= %s AND member_id <> %s", (since, skip))[0][0]
    rss = peak_rss_mb(worker.pid)
    cluster.stop_worker(name)
    after = requests.get(f"{control}/stats", timeout=60).json()
    once = verify.exactly_once(control, {pair: (row_id, status) for pair, (row_id, status, _) in states.items()})
    runs = verify.job_runs({name: log}, cluster.database_url)
    delivered = {pair: at for pair, (_, _, at) in states.items() if at is not None}
    latency = {pair: at - sent[pair] for pair, at in delivered.items()}
    others = [value for (account, _), value in latency.items() if account != slow_account]
    other_ends = [at for (account, _), at in delivered.items() if account != slow_account]
    return {
        "name": name, "portals": len(indexes), "results": len(sent), "slow": slow is not None,
        "posted_s": posted, "delivered": len(delivered), "statuses": once["statuses"],
        "all_delivered_s": max(delivered.values()) - began if len(delivered) == len(sent) else None,
        "p50_s": percentile(list(latency.values()), 0.5), "p99_s": percentile(list(latency.values()), 0.99),
        "others_all_delivered_s": max(other_ends) - began if other_ends else None,
        "others_p99_s": percentile(others, 0.99), "others_max_s": max(others) if others else None,
        "resynced_s": resynced.replace(tzinfo=UTC).timestamp() - began if resynced else None,
        "rest_requests": after["requests"] - before["requests"],
        "rejected_503": after["rejected_503"] - before["rejected_503"],
        "duplicated": once["duplicated"], "lost": once["lost"], "overlaps": len(runs["overlaps"]),
        "job_runs": runs["runs"], "peak_rss_mb": rss, "load": (load_before, os.getloadavg()),
    }


def save(folder, result: dict) -> None:
    with open(folder / "scenarios.jsonl", "a") as out:
        out.write(json.dumps(result, default=str) + "\n")
