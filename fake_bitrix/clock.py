"""A wall clock that tests can move forward, so token and code expiry need no sleeping."""
import threading
import time


class Clock:
    """Real time plus an offset that only grows (``advance``)."""

    def __init__(self):
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Current fake Unix time in seconds."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
