"""The worker's slots: at most `size` jobs running at once, each in a thread of its own.

A job waiting on a slow portal holds its slot and nothing else, so the claim loop keeps the other
slots busy. The threads are daemons: a job still running when its worker gives it back at shutdown
must not keep the process alive (the job is queued again; see Worker.run).
"""
import threading
from collections.abc import Callable


class Slots:
    def __init__(self, size: int):
        self.size = size
        self._running: dict[int, object] = {}  # job id -> job record
        self._changed = threading.Condition()
        self._ended = self._seen = 0  # jobs ended, and how many of them `wait` has seen

    def free(self) -> int:
        with self._changed:
            return self.size - len(self._running)

    def start(self, job, run: Callable) -> None:
        """Run `run(job)` in a thread of its own; the caller made sure a slot is free."""
        with self._changed:
            self._running[job.id] = job
        threading.Thread(target=self._run, args=(job, run), name=f"job-{job.id}", daemon=True).start()

    def _run(self, job, run: Callable) -> None:
        try:
            run(job)
        finally:
            with self._changed:
                del self._running[job.id]
                self._ended += 1
                self._changed.notify_all()

    def wait(self, timeout: float) -> None:
        """Until a job ends (or one ended since the last wait), or `timeout` seconds."""
        with self._changed:
            if self._ended == self._seen:
                self._changed.wait(timeout)
            self._seen = self._ended

    def wait_idle(self, timeout: float) -> list:
        """Until no job runs, or `timeout` seconds; returns the jobs still running."""
        with self._changed:
            self._changed.wait_for(lambda: not self._running, timeout)
            return list(self._running.values())
