"""A client-side leaky bucket per portal, so this process never overflows the portal's own bucket."""

from __future__ import annotations

import math
import threading
import time

DEFAULT_BUCKET = 50
DEFAULT_DRAIN = 2.0
ENTERPRISE_BUCKET = 250
ENTERPRISE_DRAIN = 5.0
# Requests do not reach the portal exactly when they leave: delays of up to JITTER seconds
# bunch up to drain * JITTER requests together, so stay that far (and at least 2) below the bucket.
SAFETY_MARGIN = 2
JITTER = 0.25


class LeakyBucket:
    """Thread-safe leaky bucket: each request adds one, the level drains by `drain` per second."""

    def __init__(self, bucket=DEFAULT_BUCKET, drain=DEFAULT_DRAIN, margin=None,
                 clock=time.monotonic, sleep=time.sleep):
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._level = 0.0
        self._updated = clock()
        self.configure(bucket, drain, margin)
        self.requests = 0
        self.waits = 0
        self.waited_seconds = 0.0

    def configure(self, bucket, drain, margin=None) -> None:
        """Change the portal's limits (e.g. after learning it is on an Enterprise plan)."""
        if drain <= 0 or bucket < 1:
            raise ValueError("bucket must be >= 1 and drain > 0")
        if margin is None:
            margin = max(SAFETY_MARGIN, math.ceil(drain * JITTER))
        with self._lock:
            self.bucket = bucket
            self.drain = float(drain)
            self.capacity = max(1, bucket - margin)

    def acquire(self) -> float:
        """Block until one more request fits in the portal's bucket; return the seconds waited."""
        with self._lock:
            self._leak()
            # Reserve the slot now and sleep outside the lock: the level may run above capacity
            # by the requests already waiting, each of which sleeps until its own turn.
            self._level += 1
            wait = max(0.0, (self._level - self.capacity) / self.drain)
            self.requests += 1
            if wait:
                self.waits += 1
                self.waited_seconds += wait
        if wait:
            self._sleep(wait)
        return wait

    def saturate(self) -> None:
        """The portal said its bucket is full: make everyone sharing this limiter slow down."""
        with self._lock:
            self._leak()
            self._level = max(self._level, float(self.capacity))

    def stats(self) -> dict:
        """Counters for metrics: requests let through, how many waited, total seconds waited."""
        with self._lock:
            return {"requests": self.requests, "waits": self.waits,
                    "waited_seconds": self.waited_seconds}

    def _leak(self) -> None:
        now = self._clock()
        self._level = max(0.0, self._level - (now - self._updated) * self.drain)
        self._updated = now


# A per-process registry on purpose: every client of a portal in this process must draw from one
# bucket, as the portal counts every request from this host. One small object per portal, kept for
# the process's life.
_limiters: dict[str, LeakyBucket] = {}
_limiters_lock = threading.Lock()


def limiter_for(member_id, bucket=None, drain=None) -> LeakyBucket:
    """The limiter shared by every client of the portal `member_id`; given limits replace the old."""
    with _limiters_lock:
        limiter = _limiters.get(member_id)
        if limiter is None:
            limiter = _limiters[member_id] = LeakyBucket(bucket or DEFAULT_BUCKET, drain or DEFAULT_DRAIN)
        elif bucket is not None or drain is not None:
            limiter.configure(bucket or limiter.bucket, drain or limiter.drain)
        return limiter
