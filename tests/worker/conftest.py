"""Many connected portals on the fake, each synced and with a lead rule; a worker running in a thread."""
import contextlib
import dataclasses
import threading
import time

import pytest

from bitrix_client import TokenSet
from service import portal_client, sync
from service.context import Context
from storage import db
from storage.models import Delivery
from tests.conftest import auth
from tests.service import delivery_cases
from worker.runner import Worker

QUIZ = 7


def wait_for(check, deadline: float, every: float = 0.02):
    """Poll `check` until it is truthy; fail when `deadline` seconds pass. Returns the seconds it took."""
    began = time.monotonic()
    while not check():
        assert time.monotonic() - began < deadline, f"not within {deadline} s: {check.__doc__ or check}"
        time.sleep(every)
    return time.monotonic() - began


def lead_rule(portal) -> dict:
    """The smallest valid lead rule: each result costs the portal one request."""
    return {**delivery_cases.lead_rule(portal), "FieldsRule": {}, "TagsToAdd": {}}


@dataclasses.dataclass
class Connected:
    """A fake portal bound to its own platform account, synced, with a lead rule for QUIZ."""
    portal: object
    account: str

    @property
    def member_id(self) -> str:
        return self.portal.member_id

    def submit(self, client, result_id: str) -> None:
        body = {"quizID": QUIZ, "resultID": result_id, "contact": {"name": "Анна"}, "answers": {}}
        response = client.post("/bitrix/results", json=body, headers=auth(self.account))
        assert response.status_code == 202, response.text

    def deliveries(self) -> list:
        """This portal's deliveries, oldest first."""
        with db.connection():
            return list(Delivery.select().where(Delivery.member_id == self.member_id).order_by(Delivery.id))

    def delivered(self) -> bool:
        return all(row.status == "delivered" for row in self.deliveries())

    def leads_of(self, origin_id: str) -> int:
        return sum(1 for lead in self.portal.data.entities["lead"].values() if lead.get("ORIGIN_ID") == origin_id)


@pytest.fixture
def connect_portals(fake_ctx, fake_bitrix, connected, client):
    """Factory: `n` portals, each synced and with its rule (at no latency; set it afterwards)."""
    def make(n: int) -> list[Connected]:
        made = []
        for index in range(n):
            portal = fake_bitrix.add_portal(users=5, seed=index + 1)
            tokens = TokenSet.from_answer(portal.issue_tokens(), now=fake_bitrix.clock.now())
            with db.connection():
                portal_client.store_tokens(fake_ctx, tokens)
                sync.queue(portal.member_id)
            connected(f"account-{index}", member_id=portal.member_id)
            made.append(Connected(portal, f"account-{index}"))
        Worker(fake_ctx, name="setup").drain()
        for each in made:
            response = client.post(f"/bitrix/rules/{QUIZ}", json=lead_rule(each.portal), headers=auth(each.account))
            assert response.status_code == 200, response.text
        return made
    return make


@pytest.fixture
def worker_ctx(fake_settings):
    """Factory: a context for a worker of `concurrency` slots, polling often, Bitrix24 timeout 30 s."""
    def make(concurrency: int, **changes) -> Context:
        return Context.build(dataclasses.replace(fake_settings, worker_concurrency=concurrency,
                                                 worker_poll_seconds=0.05, bitrix_timeout_seconds=30.0,
                                                 **changes))
    return make


@contextlib.contextmanager
def running(worker: Worker):
    """The worker's claim loop in a thread; stopped (finishing or giving back its jobs) on leaving."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), name="test-worker-loop")
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=60)
        assert not thread.is_alive(), "the worker did not stop"


def job_threads_ended(job_id: int) -> bool:
    """No thread of the process runs that job any more (one given back at shutdown may still be busy)."""
    return not any(thread.name == f"job-{job_id}" for thread in threading.enumerate())
