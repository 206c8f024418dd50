"""Running jobs keep their leases from one thread, however many run; a dead worker's jobs are taken over."""
import threading
import time

from storage import db, job_queue
from storage.models import Job
from tests.worker.conftest import running, wait_for
from worker.kinds import Kind
from worker.runner import Worker


def lease_threads() -> list:
    return [thread for thread in threading.enumerate() if thread.name.startswith("leases-")]


def test_long_jobs_keep_their_leases_from_one_thread(database_url, worker_ctx):
    """Jobs running three leases long are not taken over, and one thread renews all of them."""
    release, seen_threads = threading.Event(), []

    def long_job(_ctx, job):
        seen_threads.append(len(lease_threads()))
        release.wait(10)

    with db.connection():
        for n in range(3):
            job_queue.enqueue(f"p{n}", "long")
    worker = Worker(worker_ctx(concurrency=3, job_lease_seconds=0.6), kinds={"long": Kind(long_job)})
    with running(worker):
        wait_for(lambda: len(seen_threads) == 3, deadline=10)
        began = time.monotonic()
        while time.monotonic() - began < 1.8:  # three leases: without renewals each would run out
            with db.connection():
                assert job_queue.reap_expired(max_attempts=8) == 0
            time.sleep(0.1)
        assert len(lease_threads()) == 1
        release.set()
        wait_for(lambda: not lease_threads(), deadline=5)  # the keeper leaves with the last job
    with db.connection():
        assert [job.state for job in Job.select()] == ["done"] * 3


def test_a_job_whose_worker_died_is_taken_over_by_a_running_worker(database_url, worker_ctx):
    ran = []
    with db.connection():
        job_queue.enqueue("p1", "probe")
        job_queue.claim("dead-worker", lease_seconds=0.2)
    worker = Worker(worker_ctx(concurrency=2), kinds={"probe": Kind(lambda _ctx, job: ran.append(job.attempts))})
    with running(worker):
        wait_for(lambda: ran, deadline=15)  # reaped within REAP_EVERY of the lease's end, then run
    assert ran == [2]
