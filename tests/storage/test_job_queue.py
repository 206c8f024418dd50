"""The job queue's rules, on the real database: coalescing, one job per portal, run once."""
import dataclasses
import threading
import time

import pytest

from service.context import Context
from storage import db, job_queue
from storage.models import Job
from worker.kinds import Kind
from worker.runner import Worker


@pytest.fixture
def conn(database_url):
    with db.connection():
        yield


def test_same_job_queued_twice_is_queued_once(conn):
    assert job_queue.enqueue("p1", "sync_users") is True
    assert job_queue.enqueue("p1", "sync_users") is False
    assert job_queue.enqueue("p1", "sync_steps") is True
    assert job_queue.enqueue("p2", "sync_users") is True
    assert Job.select().where(Job.state == "queued").count() == 3


def test_a_portal_runs_one_job_at_a_time(conn):
    job_queue.enqueue("p1", "sync_users")
    job_queue.enqueue("p1", "sync_steps")
    job_queue.enqueue("p2", "sync_users")
    first = job_queue.claim("w1", 60)
    second = job_queue.claim("w2", 60)
    assert {first.member_id, second.member_id} == {"p1", "p2"}
    assert job_queue.claim("w3", 60) is None
    job_queue.done(first if first.member_id == "p1" else second)
    assert job_queue.claim("w3", 60).kind == "sync_steps"


def test_a_queued_job_waits_for_its_time(conn):
    from datetime import timedelta

    from storage.columns import utcnow
    job_queue.enqueue("p1", "sync_users", run_after=utcnow() + timedelta(minutes=5))
    assert job_queue.claim("w1", 60) is None


def test_a_request_while_running_queues_a_fresh_run(conn):
    job_queue.enqueue("p1", "sync_users")
    running = job_queue.claim("w1", 60)
    assert job_queue.enqueue("p1", "sync_users") is True
    job_queue.done(running)
    assert job_queue.claim("w1", 60) is not None


def test_held_jobs_go_out_again_on_release(conn):
    job_queue.enqueue("p1", "deliver", key="r1")
    job = job_queue.claim("w1", 60)
    job_queue.hold(job, "portal stale")
    assert job_queue.claim("w1", 60) is None
    assert job_queue.release_held("p1") == 1
    assert job_queue.claim("w1", 60).key == "r1"


class Probe:
    """A job kind that takes a while and records what ran, overlaps of one portal's jobs, and the peak."""

    def __init__(self, seconds: float):
        self.seconds, self.runs, self.overlaps, self.peak = seconds, [], [], 0
        self._active, self._guard = {}, threading.Lock()

    def __call__(self, _ctx, job):
        with self._guard:
            if self._active.get(job.member_id):
                self.overlaps.append(job.member_id)
            self._active[job.member_id] = True
            self.runs.append(job.key)
            self.peak = max(self.peak, sum(self._active.values()))
        time.sleep(self.seconds)  # a job that waits on its portal: give the others a chance to collide
        with self._guard:
            self._active[job.member_id] = False


def queue_probes(count: int, portals: int) -> None:
    with db.connection():
        for n in range(count):
            job_queue.enqueue(f"p{n % portals}", "probe", key=str(n))


def done_jobs() -> int:
    with db.connection():
        return Job.select().where(Job.state == "done").count()


def test_workers_share_the_queue_without_running_anything_twice(database_url, ctx):
    """Four workers, three portals, thirty jobs: each job once, never two of one portal at once."""
    probe = Probe(0.01)
    queue_probes(30, portals=3)
    workers = [Worker(ctx, kinds={"probe": Kind(probe)}, name=f"w{i}") for i in range(4)]
    threads = [threading.Thread(target=w.drain, args=(30,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(probe.runs, key=int) == [str(n) for n in range(30)]
    assert probe.overlaps == []
    assert done_jobs() == 30


def test_one_worker_runs_jobs_of_different_portals_at_once_never_two_of_one(database_url, settings):
    """Four slots, three portals, thirty jobs: each job once, three at a time, one per portal."""
    probe = Probe(0.05)
    queue_probes(30, portals=3)
    ctx = Context.build(dataclasses.replace(settings, worker_concurrency=4, worker_poll_seconds=0.05))
    stop = threading.Event()
    thread = threading.Thread(target=Worker(ctx, kinds={"probe": Kind(probe)}).run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 20
    while done_jobs() < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join()
    assert sorted(probe.runs, key=int) == [str(n) for n in range(30)]
    assert probe.overlaps == [] and probe.peak == 3


def test_a_job_the_database_went_away_under_is_queued_again_at_once(database_url, settings):
    from peewee import OperationalError
    calls = []

    def flaky(_ctx, job):
        calls.append(job.id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    with db.connection():
        job_queue.enqueue("p1", "probe")
    worker = Worker(Context.build(dataclasses.replace(settings, worker_poll_seconds=0.05)),
                    kinds={"probe": Kind(flaky)})
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(calls) < 2:
        time.sleep(0.05)
    stop.set()
    thread.join()
    with db.connection():
        job = Job.get()
    assert len(calls) == 2 and job.state == "done"


def test_claims_go_by_priority_then_oldest_due(conn):
    from datetime import timedelta

    from storage.columns import utcnow
    now = utcnow()
    job_queue.enqueue("p1", "sync_users", run_after=now - timedelta(seconds=10))
    job_queue.enqueue("p2", "sync_users", run_after=now - timedelta(seconds=30))  # queued later, due earlier
    job_queue.enqueue("p3", "deliver", priority=50, run_after=now - timedelta(seconds=1))
    assert [job_queue.claim(f"w{n}", 60).member_id for n in range(3)] == ["p3", "p2", "p1"]


def test_queuing_again_makes_a_waiting_job_due_sooner_never_later(conn):
    from datetime import timedelta

    from storage.columns import utcnow
    job_queue.enqueue("p1", "deliver", run_after=utcnow() + timedelta(minutes=15))  # a retry's backoff
    assert job_queue.claim("w1", 60) is None
    assert job_queue.enqueue("p1", "deliver") is False  # a new result: due now
    job_queue.enqueue("p1", "deliver", run_after=utcnow() + timedelta(minutes=30))
    assert job_queue.claim("w1", 60) is not None


def test_a_job_given_back_is_queued_again_without_spending_an_attempt(conn):
    job_queue.enqueue("p1", "sync_users")
    job = job_queue.claim("w1", 60)
    assert job_queue.extend_leases([job.id], "w1", 60) == 1
    assert job_queue.give_back(job, "worker w1 stopped", 0) is True
    assert job_queue.extend_leases([job.id], "w1", 60) == 0  # no longer w1's
    again = job_queue.claim("w2", 60)
    assert (again.id, again.attempts) == (job.id, 1)
