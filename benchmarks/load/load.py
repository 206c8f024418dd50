"""The load tool: threads sending a mixed load to the API for a fixed time, as its own process.

Each request picks an account at random and an operation by weight: list pages (users, steps,
pipelines, fields), rule reads and PATCHes, sync PATCHes and quiz results (a unique resultID
each). Writes a JSON file: per operation the latencies' percentiles, counts by status, every
failure with its time (for the drills' recovery times), and the resultIDs accepted per account.

Usage: python benchmarks/load/load.py --api URL --state fake.json --duration 300 --out load.json
       [--threads 8] [--rate 0 (requests/s in all; 0: as fast as the threads go)] [--run-id ID]
"""
import argparse
import json
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.load.accounts import headers  # noqa: E402

LISTS = ("users", "steps", "pipelines", "fields")
WEIGHTS = {"list_users": 12, "list_steps": 8, "list_pipelines": 8, "list_fields": 8, "rule_get": 15,
           "rule_patch": 5, "sync_patch": 2, "result_post": 20}
EXPECTED = {"result_post": (200, 202)}  # 200: the same resultID again (a retried POST)
TAGS = ("квиз", "весна", "лето", "скидка", "акция")


def result_body(quiz: int, result_id: str) -> dict:
    """A quiz result for the load's rules (lead rules map questions 1 and 2; deal rules 1 and the contact)."""
    return {"quizID": quiz, "resultID": result_id, "title": f"Заявка {result_id}",
            "answers": {"1": "большой дом", "2": str(random.randint(1, 99))},
            "contact": {"name": "Анна", "phone": f"+7 916 000-00-{random.randint(10, 40)}",
                        "email": f"client{random.randint(1, 30)}@example.com"},
            "utm": {"source": "load"}, "pageURL": "https://quiz.example/q/7"}


class Load:
    def __init__(self, args, state: dict):
        self.api, self.state, self.args = args.api, state, args
        self.quiz = state["quiz"]
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.failures = []  # (unix time, operation, status or exception name)
        self.accepted = defaultdict(list)  # account index -> resultIDs
        self.auth = [headers(i) for i in range(len(state["portals"]))]

    def request(self, op: str, index: int, session: requests.Session, serial: str):
        auth, url = self.auth[index], self.api
        if op.startswith("list_"):
            return session.get(f"{url}/bitrix/{op[5:]}", params={"page": random.randint(1, 3), "size": 10},
                               headers=auth, timeout=30)
        if op == "rule_get":
            return session.get(f"{url}/bitrix/rules/{self.quiz}", headers=auth, timeout=30)
        if op == "rule_patch":
            rule = dict(self.state["portals"][index]["rule"])
            entity = "lead" if rule["LeadFlag"] else "deal"
            rule["TagsToAdd"] = {entity: random.sample(TAGS, random.randint(0, 3))}
            return session.patch(f"{url}/bitrix/rules/{self.quiz}", json=rule, headers=auth, timeout=30)
        if op == "sync_patch":
            return session.patch(f"{url}/bitrix/{random.choice(LISTS)}", headers=auth, timeout=30)
        result_id = f"{self.args.run_id}-{serial}"
        answer = session.post(f"{url}/bitrix/results", json=result_body(self.quiz, result_id), headers=auth,
                              timeout=30)
        if answer.status_code in (200, 202):
            with self.lock:
                self.accepted[index].append(result_id)
        return answer

    def thread(self, number: int, until: float, interval: float) -> None:
        ops, weights = list(WEIGHTS), list(WEIGHTS.values())
        session, sent, next_at = requests.Session(), 0, time.monotonic()
        while time.monotonic() < until:
            if interval:
                next_at += interval
                time.sleep(max(0.0, next_at - time.monotonic()))
            op, index = random.choices(ops, weights)[0], random.randrange(len(self.auth))
            sent += 1
            started = time.monotonic()
            try:
                status = self.request(op, index, session, f"{number}-{sent}").status_code
            except requests.RequestException as error:
                status = type(error).__name__
                session = requests.Session()
            elapsed = time.monotonic() - started
            with self.lock:
                self.latency[op].append(elapsed)
                self.statuses[op][str(status)] += 1
                if status not in EXPECTED.get(op, (200,)):
                    self.failures.append((time.time(), op, status))

    def run(self) -> dict:
        threads, until = self.args.threads, time.monotonic() + self.args.duration
        interval = threads / self.args.rate if self.args.rate else 0.0
        started = time.time()
        workers = [threading.Thread(target=self.thread, args=(n, until, interval)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return {"started": started, "finished": time.time(), "duration": self.args.duration,
                "threads": threads, "rate": self.args.rate, "operations": self.summary(),
                "failures": self.failures, "accepted": {str(k): v for k, v in self.accepted.items()}}

    def summary(self) -> dict:
        table = {}
        for op, times in sorted(self.latency.items()):
            times.sort()
            table[op] = {"count": len(times), "rps": len(times) / self.args.duration,
                         "p50_ms": 1000 * times[len(times) // 2], "p99_ms": 1000 * times[int(len(times) * 0.99)],
                         "max_ms": 1000 * times[-1], "statuses": dict(self.statuses[op])}
        return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--run-id", default=f"r{int(time.time())}")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    report = Load(args, json.loads(Path(args.state).read_text())).run()
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
