"""The portal's request limits: the leaky bucket (503) and the per-method operating time (429)."""
import threading
import time
from collections import deque

from .envelope import BitrixError

OPERATING_WINDOW = 600.0  # ten one-minute baskets


class LeakyBucket:
    """Each request adds a drop; drops drain at ``drain`` per second; a full bucket rejects.

    Real monotonic time, not the fake clock: clients back off with real sleeps.
    """

    def __init__(self, size: int = 50, drain: float = 2.0, enabled: bool = True):
        self._lock = threading.Lock()
        self.configure(size, drain, enabled)

    def configure(self, size: int, drain: float, enabled: bool) -> None:
        """Change the limits and empty the bucket."""
        with self._lock:
            self.size, self.drain, self.enabled = size, drain, enabled
            self._level, self._at = 0.0, time.monotonic()

    def admit(self) -> None:
        """Count one request, or raise 503 QUERY_LIMIT_EXCEEDED when the bucket is full."""
        if not self.enabled:
            return
        with self._lock:
            now = time.monotonic()
            self._level = max(0.0, self._level - (now - self._at) * self.drain)
            self._at = now
            if self._level + 1 > self.size:
                raise BitrixError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
            self._level += 1


class OperatingMeter:
    """Seconds each method spent in the last ten minutes (fake clock); over ``limit`` -> 429."""

    def __init__(self, clock, limit: float | None = None):
        self._clock = clock
        self._lock = threading.Lock()
        self._spent: dict[str, deque] = {}
        self.limit = limit

    def check(self, method: str) -> None:
        """Refuse ``method`` while its operating time is over the limit."""
        if self.limit is not None and self.operating(method) > self.limit:
            raise BitrixError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.")

    def add(self, method: str, seconds: float) -> None:
        """Record time spent by one call of ``method``."""
        with self._lock:
            self._spent.setdefault(method, deque()).append((self._clock.now(), seconds))

    def operating(self, method: str) -> float:
        """Seconds spent by ``method`` inside the window."""
        with self._lock:
            spent = self._forget_old(method)
            return sum(seconds for _, seconds in spent)

    def reset_at(self, method: str) -> int:
        """When the oldest counted call drops out of the window (Unix time)."""
        with self._lock:
            spent = self._forget_old(method)
            oldest = spent[0][0] if spent else self._clock.now()
            return int(oldest + OPERATING_WINDOW)

    def _forget_old(self, method: str) -> deque:
        spent = self._spent.setdefault(method, deque())
        horizon = self._clock.now() - OPERATING_WINDOW
        while spent and spent[0][0] < horizon:
            spent.popleft()
        return spent
