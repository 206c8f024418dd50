"""Keeping the leases of a worker's running jobs: one thread and one UPDATE for all of them.

A job's lease says its worker is alive; a lease that runs out lets another worker take the job
over (storage.job_queue.reap_expired). Sixteen running jobs need no sixteen heartbeat threads: one
thread renews every lease of the worker at a third of the lease time, and exists only while the
worker has a job running.
"""
import contextlib
import logging
import threading

from storage import job_queue
from storage.db import UNAVAILABLE, connection

log = logging.getLogger(__name__)


class LeaseKeeper:
    def __init__(self, worker: str, lease_seconds: float):
        self.worker, self.lease = worker, lease_seconds
        self._jobs: dict[int, object] = {}
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def held(self, job):
        """The job's lease is renewed while this block runs."""
        with self._changed:
            self._jobs[job.id] = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._keep, name=f"leases-{self.worker}", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            self.drop(job)

    def drop(self, job) -> None:
        """Stop renewing the job's lease (it was given back while its thread still runs)."""
        with self._changed:
            self._jobs.pop(job.id, None)
            self._changed.notify_all()

    def _keep(self) -> None:
        while True:
            with self._changed:
                # Wakes early only to leave: when the last job ended, the thread goes with it.
                if self._changed.wait_for(lambda: not self._jobs, self.lease / 3):
                    self._thread = None
                    return
                ids = list(self._jobs)
            self._renew(ids)

    def _renew(self, ids: list) -> None:
        try:
            with connection():
                kept = job_queue.extend_leases(ids, self.worker, self.lease)
        except UNAVAILABLE:
            log.warning("could not renew the leases of %d job(s)", len(ids))
            return
        if kept < len(ids):
            # Its lease ran out while the database was away, and another worker took it over.
            log.warning("worker %s lost %d of its %d job(s) to another worker", self.worker, len(ids) - kept,
                        len(ids))
