"""What a portal received: counters and a request log (auth values never kept)."""
import copy
import threading
from collections import Counter, deque

LOG_SIZE = 10_000
_SECRET_PARAMS = {"auth", "client_secret", "code", "refresh_token"}


def _fresh() -> dict:
    return {"requests": 0, "by_method": Counter(), "by_status": Counter(), "errors": Counter(),
            "rejected_503": 0, "faults": 0, "batch_commands": 0, "authorize": 0, "redirected": 0,
            "events_posted": 0}


class Stats:
    """Thread-safe counters; ``snapshot()`` is what ``portal.stats`` shows."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = _fresh()
        self.log: deque = deque(maxlen=LOG_SIZE)

    def reset(self) -> None:
        with self._lock:
            self._counts = _fresh()
            self.log.clear()

    def bump(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[name] += amount

    def count_method(self, method: str) -> None:
        with self._lock:
            self._counts["by_method"][method] += 1

    def record(self, http_method: str, method: str, params: dict, status: int, error: str | None,
               when: float) -> None:
        """Log one answered REST request."""
        with self._lock:
            self._counts["by_status"][status] += 1
            if error is not None:
                self._counts["errors"][error] += 1
            if status == 503 and error == "QUERY_LIMIT_EXCEEDED":
                self._counts["rejected_503"] += 1
        self.log.append({"time": when, "http_method": http_method, "method": method,
                         "params": without_secrets(params), "status": status, "error": error})

    def snapshot(self) -> dict:
        with self._lock:
            counts = copy.deepcopy(self._counts)
        for name in ("by_method", "by_status", "errors"):
            counts[name] = dict(counts[name])
        return counts


def without_secrets(params):
    """A copy of request params with tokens, codes and secrets removed."""
    if isinstance(params, dict):
        return {key: without_secrets(value) for key, value in params.items() if key not in _SECRET_PARAMS}
    if isinstance(params, list):
        return [without_secrets(value) for value in params]
    return params


class Tally:
    """Named counters for the OAuth server."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter = Counter()

    def bump(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def snapshot(self) -> dict:
        with self._lock:
            return dict(self._counts)
