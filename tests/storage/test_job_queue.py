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


def test_workers_share_the_queue_without_running_anything_twice(database_url, ctx):
    """Four workers, three portals, thirty jobs: each job once, never two of one portal at once."""
    runs, active, overlaps = [], {}, []
    guard = threading.Lock()

    def record(_ctx, job):
        with guard:
            if active.get(job.member_id):
                overlaps.append(job.member_id)
            active[job.member_id] = True
            runs.append(job.key)
        time.sleep(0.01)  # a job takes time: give the others a chance to collide
        with guard:
            active[job.member_id] = False

    with db.connection():
        for n in range(30):
            job_queue.enqueue(f"p{n % 3}", "probe", key=str(n))
    workers = [Worker(ctx, kinds={"probe": Kind(record)}, name=f"w{i}") for i in range(4)]
    threads = [threading.Thread(target=w.drain, args=(30,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(runs, key=int) == [str(n) for n in range(30)]
    assert overlaps == []
    with db.connection():
        assert Job.select().where(Job.state == "done").count() == 30


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
