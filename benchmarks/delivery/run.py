"""Delivery of quiz results into the fake Bitrix24 with real limits (bucket 50, drain 2/s).

One process: the fake, the app (its test client for POST /bitrix/rules and /bitrix/results) and
`worker.runner.Worker.drain()` as the only worker. Per rule (lead; deal, where half the results
carry the phone of a contact already in the portal; deal with company, where every result is a
new person with a company of their own, so each creates a contact, a company and a deal): N
results queued while the worker is stopped and then delivered, and M results arriving one at a
time (submit one, drain, next).
Each case gets a new portal, so both buckets (the fake's, our limiter's) start empty.
Counts REST requests and 503s (the fake's counters, from the worker's start), the time until all
are delivered (queued: from the worker's start; one at a time: from the first submit), and what
is in the portal: every result's ORIGIN_ID on exactly one entity of each kind, every deal linked
to the known contact of its phone or to a new one, and to its own company when it has one (a deal
linked otherwise is a wrong link). Prints a Markdown table.

Usage: .venv/bin/python benchmarks/delivery/run.py [--results 1000] [--one-at-a-time 50]
       [--database sqlite|postgres]
"""
import argparse
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import jwt  # noqa: E402

from benchmarks.delivery.scenario import QUIZ, connect_portal, known_contacts, result, rule_for  # noqa: E402
from fake_bitrix import FakeBitrix  # noqa: E402
from settings import Settings  # noqa: E402
from storage import db, deliveries  # noqa: E402
from storage.models import Delivery  # noqa: E402
from worker.runner import Worker  # noqa: E402

PG_SERVER, PG_DATABASE = "postgresql://postgres@127.0.0.1:5432", "bench_delivery"
CLIENT_ID, CLIENT_SECRET = "local.bench.app", "bench-secret"
JWT_SECRET = "bench-jwt-secret-of-at-least-64-bytes-for-every-hmac-algorithm-0123456"
QUEUED_REQUESTS_TARGET, PER_RESULT_TARGET = 100, 2.0  # 100 requests per 1,000 queued results
DONE = (deliveries.DELIVERED, deliveries.FAILED)


def fresh_database(kind: str, folder: Path) -> str:
    """An empty database of that kind (create_app migrates it); returns its URL."""
    if kind == "postgres":
        server = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *server, "--if-exists", "--force", PG_DATABASE], check=True)
        subprocess.run(["createdb", *server, PG_DATABASE], check=True)
        return f"{PG_SERVER}/{PG_DATABASE}"
    return f"sqlite:///{folder / 'bench_delivery.db'}"


class Case:
    """One portal, one account, one rule; submits results and delivers them with one worker."""

    def __init__(self, fake, http, worker, rule: str, arrival: str, size: int):
        self.http, self.worker, self.rule, self.arrival, self.size = http, worker, rule, arrival, size
        self.entity = "lead" if rule == "lead" else "deal"
        self.account = f"bench-{rule.replace(' ', '-')}-{arrival.replace(' ', '-')}"
        self.headers = {"Authorization": "Bearer " + jwt.encode(
            {"sub": self.account, "exp": int(time.time()) + 3600}, JWT_SECRET, algorithm="HS256")}
        self.portal = connect_portal(fake, self.account, worker)
        self.known = known_contacts(self.portal, size // 2) if rule == "deal" else {}
        answer = http.post(f"/bitrix/rules/{QUIZ}", json=rule_for(self.portal, rule), headers=self.headers)
        assert answer.status_code == 200, answer.text

    def submit(self, n: int) -> None:
        answer = self.http.post("/bitrix/results", json=result(n), headers=self.headers)
        assert answer.status_code == 202, answer.text

    def deliver(self, deadline: float) -> None:
        """Run the worker until every result is delivered or failed, or the deadline passes."""
        while self.waiting() and time.monotonic() < deadline:
            if not self.worker.drain(deadline_seconds=deadline - time.monotonic()):
                time.sleep(0.1)  # a retry is scheduled for later

    def waiting(self) -> int:
        with db.connection():
            return (Delivery.select().where(Delivery.account_id == self.account, Delivery.status.not_in(DONE))
                    .count())

    def run(self, budget: float) -> dict:
        """Submit and deliver `size` results the case's way; returns its measurements."""
        if self.arrival == "queued":
            for n in range(self.size):
                self.submit(n)
        self.portal.reset_stats()
        started = time.monotonic()
        deadline = started + budget
        if self.arrival == "queued":
            self.deliver(deadline)
        else:
            for n in range(self.size):
                self.submit(n)
                self.deliver(deadline)
        elapsed = time.monotonic() - started
        stats = self.portal.stats
        return {"rule": self.rule, "arrival": self.arrival, "results": self.size, "seconds": elapsed,
                "requests": stats["requests"], "rejected_503": stats["rejected_503"],
                "by_method": dict(stats["by_method"]), **self.check()}

    def check(self) -> dict:
        """What reached the portal: each result's lead or deal once; for a deal, the right contact."""
        with db.connection():
            rows = list(Delivery.select().where(Delivery.account_id == self.account))
        marks = Counter((kind, row.get("ORIGIN_ID")) for kind in ("lead", "deal", "contact", "company")
                        for row in self.portal.data.rows(kind))
        main = {row["ORIGIN_ID"] for row in self.portal.data.rows(self.entity)}
        return {"delivered": sum(row.status == deliveries.DELIVERED for row in rows),
                "failed": sum(row.status == deliveries.FAILED for row in rows),
                "missing": sum(f"quiz-result-{row.id}" not in main for row in rows),
                "duplicates": sum(count - 1 for (_, mark), count in marks.items() if mark),
                "wrong_links": sum(not self.linked(row) for row in rows) if self.entity == "deal" else None}

    def linked(self, row) -> bool:
        """The deal points at the known contact of its phone, else at a contact made for it, and at
        the company made for it when the rule makes one (and at no company otherwise)."""
        deal = self.portal.data.entities["deal"].get(row.deal_id) or {}
        known = self.known.get(int(row.result_id.removeprefix("r-")))
        expected = row.contact_id == known if known else row.contact_id not in (None, *self.known.values())
        contact = expected and [str(row.contact_id)] == list(map(str, deal.get("CONTACT_IDS") or []))
        company = self.portal.data.entities["company"].get(row.company_id) or {}
        if self.rule == "deal with company":
            return contact and company.get("ORIGIN_ID") == f"quiz-result-{row.id}" and \
                str(deal.get("COMPANY_ID")) == str(row.company_id)
        return contact and not deal.get("COMPANY_ID")


def verdict(r: dict) -> str:
    """Whether the case meets the targets: requests, no 503, every result once."""
    if r["arrival"] == "queued":
        budget = QUEUED_REQUESTS_TARGET * r["results"] / 1000
    else:
        budget = PER_RESULT_TARGET * r["results"]
    misses = [name for name, bad in (("requests", r["requests"] > budget), ("503", r["rejected_503"]),
                                     ("duplicates", r["duplicates"]), ("missing", r["missing"] or r["failed"]),
                                     ("links", r["wrong_links"])) if bad]
    return "met" if not misses else "MISSED: " + ", ".join(misses)


def table(results: list[dict]) -> str:
    lines = ["| database | rule | arrival | results | delivered | REST requests | per result | time s "
             "| 503s | duplicates | missing | wrong links | targets |",
             "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
    for r in results:
        links = "-" if r["wrong_links"] is None else r["wrong_links"]  # leads have none
        lines.append(f"| {r['database']} | {r['rule']} | {r['arrival']} | {r['results']:,} | {r['delivered']:,} "
                     f"| {r['requests']} | {r['requests'] / r['results']:.2f} | {r['seconds']:.1f} "
                     f"| {r['rejected_503']} | {r['duplicates']} | {r['missing']} | {links} "
                     f"| {verdict(r)} |")
    return "\n".join(lines)


def machine() -> str:
    """CPU count and model, load average and time: what a reader needs to weigh the seconds."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{os.cpu_count()} x {model}, load {load}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=1000, help="results queued, then delivered")
    parser.add_argument("--one-at-a-time", type=int, default=50, help="results arriving one by one")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--budget", type=float, default=240, help="seconds allowed per case")
    parser.add_argument("--verbose", action="store_true", help="requests by method, per case")
    args = parser.parse_args()
    with FakeBitrix(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                    redirect_uri="http://127.0.0.1:8080/webhook/create") as fake, \
            tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=fresh_database(args.database, Path(folder)), jwt_secret=JWT_SECRET,
                            secret_key="bench-secret-key-of-at-least-32-bytes", bitrix_client_id=CLIENT_ID,
                            bitrix_client_secret=CLIENT_SECRET, bitrix_oauth_url=fake.oauth_url,
                            bitrix_allow_http=True, run_worker=False)
        logging.disable(logging.INFO)  # the app logs every request and job at INFO
        from service.context import Context
        from wsgi import create_app
        ctx = Context.build(settings)
        app = create_app(ctx=ctx)
        worker = Worker(ctx, name="bench-worker")
        results = []
        with app.test_client() as http:
            for rule in ("lead", "deal", "deal with company"):
                for arrival, size in (("queued", args.results), ("one at a time", args.one_at_a_time)):
                    case = Case(fake, http, worker, rule, arrival, size)
                    results.append({"database": args.database, **case.run(args.budget)})
                    if args.verbose:
                        print(rule, arrival, results[-1]["by_method"], file=sys.stderr)
        if hasattr(db.database.obj, "close_all"):
            db.database.obj.close_all()
    print(f"{machine()}; fake limits bucket 50, drain 2/s; targets: <= {QUEUED_REQUESTS_TARGET} requests "
          f"per 1,000 queued, <= {PER_RESULT_TARGET:g} per result one at a time, no 503, no duplicate\n")
    print(table(results))


if __name__ == "__main__":
    main()
