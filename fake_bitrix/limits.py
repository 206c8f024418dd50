"""The portal's request limits: the leaky bucket (503) and the per-method operating time (429)."""
import threading
import time

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
    """Seconds each method spent, in ten one-minute baskets (``settings/performance/limits.md``).

    A basket holds the time of one method's calls in one minute and drops out ten minutes after
    its first call; ``operating`` is the sum of the live baskets and ``operating_reset_at`` when the
    oldest drops out. Each call is checked before it runs: the call that takes the sum over the
    limit completes, the next one is refused with 429 OPERATION_TIME_LIMIT. The limit is 480 s
    (the docs' cloud value); the outer ``batch`` is not counted, its commands count against their
    own methods. Fake clock, so tests move time instead of waiting.
    """

    DEFAULT_LIMIT = 480.0

    def __init__(self, clock, limit: float | None = DEFAULT_LIMIT):
        self._clock = clock
        self._lock = threading.Lock()
        self._baskets: dict[str, dict[int, list]] = {}  # method -> minute -> [first call, seconds]
        self.limit = limit

    def check(self, method: str) -> None:
        """Refuse ``method`` while its operating time is over the limit."""
        if self.limit is not None and self.operating(method) > self.limit:
            raise BitrixError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.")

    def add(self, method: str, seconds: float) -> None:
        """Record time spent by one call of ``method`` (``spend`` in tests: as if calls had taken it)."""
        now = self._clock.now()
        with self._lock:
            basket = self._baskets.setdefault(method, {}).setdefault(int(now // 60), [now, 0.0])
            basket[1] += seconds

    spend = add

    def operating(self, method: str) -> float:
        """Seconds spent by ``method`` in its live baskets."""
        with self._lock:
            return sum(seconds for _, seconds in self._live(method))

    def reset_at(self, method: str) -> int:
        """When the oldest live basket drops out (Unix time); ten minutes from now when none is."""
        with self._lock:
            firsts = [first for first, _ in self._live(method)]
        return int(min(firsts, default=self._clock.now()) + OPERATING_WINDOW)

    def _live(self, method: str) -> list:
        baskets = self._baskets.get(method, {})
        horizon = self._clock.now() - OPERATING_WINDOW
        for minute in [minute for minute, (first, _) in baskets.items() if first <= horizon]:
            del baskets[minute]
        return list(baskets.values())
