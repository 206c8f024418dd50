"""How long a portal takes to answer: a fixed latency plus uniform jitter, per portal.

Real portals answer in 100-500 ms. The wait is spent in the thread of the request's own connection
(``rest.handle``), so it delays neither other portals nor other requests of the same portal.
"""
import random
import threading


class Latency:
    """``seconds`` ± ``jitter`` (uniform, never below zero); 0 by default."""

    def __init__(self):
        self._lock = threading.Lock()
        self.configure(0.0)

    def configure(self, seconds: float, jitter: float = 0.0, seed: int | None = None) -> None:
        if seconds < 0 or jitter < 0:
            raise ValueError("latency and jitter are durations: zero or more seconds")
        with self._lock:
            self.seconds, self.jitter = float(seconds), float(jitter)
            self._random = random.Random(seed)

    def draw(self) -> float:
        """The time one request takes, in seconds."""
        with self._lock:
            if not self.jitter:
                return self.seconds
            return max(0.0, self.seconds + self._random.uniform(-self.jitter, self.jitter))
