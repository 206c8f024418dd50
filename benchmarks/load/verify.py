"""After a load run: every accepted result delivered exactly once, and the jobs shared out and
never run twice or in parallel for one portal."""
import itertools
import json
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import requests

from benchmarks.load.accounts import account_id


def _pairs(accepted: dict) -> list[tuple[str, str]]:
    return [(account_id(int(index)), result_id) for index, ids in accepted.items() for result_id in ids]


def delivery_states(database_url: str, accepted: dict) -> dict:
    """{(account, resultID): (delivery id, status)} for the accepted results."""
    pairs = _pairs(accepted)
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT account_id, result_id, id, status FROM delivery WHERE result_id = ANY(%s)",
                    ([result_id for _, result_id in pairs],))
        rows = {(account, result): (row_id, status) for account, result, row_id, status in cur.fetchall()}
    return {pair: rows.get(pair, (None, "missing")) for pair in pairs}


def wait_delivered(database_url: str, accepted: dict, deadline: float) -> tuple[dict, float]:
    """Poll until no accepted result is pending and no job is due (or the deadline passes);
    (states, seconds waited)."""
    started = time.monotonic()
    while True:
        states = delivery_states(database_url, accepted)
        pending = [pair for pair, (_, status) in states.items() if status in ("queued", "sending", "missing")]
        if not pending and not _jobs_busy(database_url) or time.monotonic() - started > deadline:
            return states, time.monotonic() - started
        time.sleep(1)


def _jobs_busy(database_url: str) -> int:
    """Jobs running or due now (the load's last syncs), so that a phase starts on a quiet queue."""
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM job WHERE state = 'running' OR (state = 'queued' AND "
                    "run_after <= now() AT TIME ZONE 'utc')")
        return cur.fetchone()[0]


def exactly_once(control_url: str, states: dict) -> dict:
    """Count, per accepted result, the leads/deals (and contacts, companies) carrying its ORIGIN_ID."""
    seen = defaultdict(Counter)  # ORIGIN_ID -> Counter(entity type)
    for entities in requests.get(f"{control_url}/origins", timeout=60).json().values():
        for kind, origins in entities.items():
            for origin in origins:
                if origin:
                    seen[origin][kind] += 1
    statuses = Counter(status for _, status in states.values())
    lost = duplicated = extra_parts = 0
    for row_id, _ in states.values():
        counts = seen.get(f"quiz-result-{row_id}", Counter())
        main = counts["lead"] + counts["deal"]
        lost += main == 0
        duplicated += main > 1
        extra_parts += counts["contact"] > 1 or counts["company"] > 1
    return {"accepted": len(states), "statuses": dict(statuses), "lost": lost, "duplicated": duplicated,
            "duplicated_contacts_or_companies": extra_parts}


def _job_lines(log: Path):
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"outcome"' in line:
            record = json.loads(line)
            end = datetime.fromisoformat(record["ts"].replace("Z", "+00:00")).timestamp()
            yield record, end - record["duration_ms"] / 1000, end


def _finished_at(database_url: str) -> dict:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT id, finished_at FROM job WHERE finished_at IS NOT NULL")
        return {job_id: at.replace(tzinfo=UTC).timestamp() for job_id, at in cur.fetchall()}


def job_runs(logs: dict[str, Path], database_url: str) -> dict:
    """From the workers' job lines: runs per worker, (job, attempt) run twice, and overlapping runs
    of one portal. A run starts at its line's time less its duration and ends at the job's
    `finished_at` (a final run) or at its line (the line comes a little after the job is released)."""
    runs, by_worker, finished = [], Counter(), _finished_at(database_url)
    for worker, log in logs.items():
        for record, start, end in _job_lines(log):
            if record["outcome"] in ("done", "failed") and record["job"] in finished:
                end = min(end, finished[record["job"]])
            runs.append((record["portal"], start, end, record["job"], record["attempt"], worker, record["outcome"]))
            by_worker[worker] += 1
    twice = [key for key, n in Counter((r[3], r[4]) for r in runs).items() if n > 1]
    done_twice = [key for key, n in Counter(r[3] for r in runs if r[6] == "done").items() if n > 1]
    overlaps, by_portal = [], defaultdict(list)
    for run in runs:
        by_portal[run[0]].append(run)
    for portal_runs in by_portal.values():
        portal_runs.sort(key=lambda r: r[1])
        for before, after in itertools.pairwise(portal_runs):
            if after[1] < before[2]:
                overlaps.append((before[3], after[3], round(before[2] - after[1], 3)))
    return {"runs": len(runs), "by_worker": dict(by_worker), "outcomes": dict(Counter(r[6] for r in runs)),
            "run_twice": twice, "done_twice": done_twice, "overlaps": overlaps}


def job_table(database_url: str, since: datetime) -> dict:
    """Jobs created since `since` by kind and state (none should stay queued, running or failed)."""
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT kind, state, count(*) FROM job WHERE created_at >= %s GROUP BY 1, 2 ORDER BY 1, 2",
                    (since,))
        return {f"{kind}/{state}": n for kind, state, n in cur.fetchall()}
