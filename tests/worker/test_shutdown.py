"""A stopping worker finishes its jobs within the grace and gives back the rest; none is left running."""
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from storage import db, job_queue
from storage.columns import utcnow
from storage.models import Job
from tests.conftest import service_environment
from tests.worker.conftest import job_threads_ended, running, wait_for
from worker.runner import Worker

ROOT = Path(__file__).resolve().parents[2]


def deliver_job(connected):
    with db.connection():
        return job_queue.latest(connected.member_id, "deliver")


def running_jobs() -> int:
    with db.connection():
        return Job.select().where(Job.state == "running").count()


def test_stop_finishes_short_jobs_and_gives_back_long_ones(connect_portals, worker_ctx, client):
    quick, slow = connect_portals(2)
    quick.portal.set_latency(0.5)
    slow.portal.set_latency(6.0)
    quick.submit(client, "quick")
    slow.submit(client, "slow")
    with running(Worker(worker_ctx(concurrency=2, worker_stop_grace_seconds=2.0))):
        wait_for(lambda: running_jobs() == 2, deadline=10)
    # Stopped: the quick job ended within the grace; the slow one went back to the queue.
    assert quick.delivered() and not slow.delivered()
    assert running_jobs() == 0
    job = deliver_job(slow)
    assert (job.state, job.worker, job.attempts) == ("queued", None, 0)
    assert "stopped during the job" in job.last_error
    wait_for(lambda: job_threads_ended(job.id), deadline=15)


def test_sigterm_gives_back_the_job_in_flight_and_it_is_delivered_once(connect_portals, fake_ctx, settings,
                                                                        fake_settings, client, tmp_path):
    """`python -m worker`, stopped while its request is in flight: the job is queued again, due once
    that request has timed out, and delivering it then finds what the request created."""
    slow, = connect_portals(1)
    slow.portal.set_latency(3.0)  # the lead is created after 1.5 s, the answer comes after 3 s
    slow.submit(client, "in-flight")
    slow.portal.reset_stats()
    env = service_environment(fake_settings, BITRIX_ALLOW_HTTP="true", BITRIX_TIMEOUT_SECONDS=4,
                              WORKER_CONCURRENCY=4, WORKER_STOP_GRACE_SECONDS=0.5, WORKER_POLL_SECONDS=0.1,
                              RESYNC_INTERVAL_SECONDS=0)
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen([sys.executable, "-m", "worker"], cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: slow.portal.stats["requests"] >= 1, deadline=30)  # the batch is on its way
            stopped_at = utcnow()
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=10) == 0, (tmp_path / "worker.log").read_text()
        finally:
            if worker.poll() is None:
                worker.kill()
    assert running_jobs() == 0
    job = deliver_job(slow)
    assert (job.state, job.attempts) == ("queued", 0), job
    with db.connection():
        due = Job.get_by_id(job.id).run_after
    assert due >= stopped_at + timedelta(seconds=4)
    # Meanwhile the portal finished the request the worker had sent: the lead exists.
    origin = f"quiz-result-{slow.deliveries()[0].id}"
    wait_for(lambda: slow.leads_of(origin) == 1, deadline=10)
    slow.portal.set_latency(0.0)
    worker = Worker(fake_ctx, name="successor")
    wait_for(lambda: worker.run_once() and slow.delivered(), deadline=15, every=0.2)
    assert slow.leads_of(origin) == 1
    assert slow.deliveries()[0].lead_id is not None
