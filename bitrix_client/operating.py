"""Each method's operating-time budget on a portal, kept from the portal's own answers.

Bitrix24 sums the execution time of each method per application in ten one-minute baskets; past
the limit (480 s per 10 minutes in the cloud) the method is refused with 429 OPERATION_TIME_LIMIT
until the oldest basket drops out at `operating_reset_at` (`settings/performance/limits.md`).
Every successful answer's `time` carries `operating` and `operating_reset_at` for its method
(batch commands are charged to their own methods but do not report them).

The registry lives in this module, one `OperatingBudget` per portal for the whole process
(`budget_for(member_id)`), like the limiter's: every client of a portal sees what any of them
learned. Before a method's budget is spent (within `reserve` seconds of the limit) the client
does not call it but raises OperationTimeLimit with `reset_at`, the time to come back; a 429 is
turned into the same error. Nothing waits here: the caller (a job) is put back for that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from .errors import OperationTimeLimit

OPERATING_LIMIT = 480.0
RESERVE = 30.0
# When a refusal says nothing of its reset time: the next basket may drop within a minute.
UNKNOWN_RESET_WAIT = 60.0


class OperatingBudget:
    """What one portal's answers said of each method's operating time, and which methods pause."""

    def __init__(self, limit: float = OPERATING_LIMIT, reserve: float = RESERVE, clock=time.time):
        self.limit, self.reserve = limit, reserve
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[float, float | None]] = {}  # method -> (operating, reset_at)
        self._paused: dict[str, float] = {}  # method -> until (Unix time)

    def check(self, methods: Iterable[str]) -> None:
        """Raise OperationTimeLimit when any of `methods` is paused (its budget is spent)."""
        now = self._clock()
        with self._lock:
            for method in methods:
                until = self._paused.get(method)
                if until is None:
                    continue
                if now < until:
                    raise OperationTimeLimit("OPERATION_TIME_LIMIT", "operating budget spent (paused by the client)",
                                             None, method, reset_at=until)
                del self._paused[method]  # the oldest basket dropped out: the next answer tells more

    def observe(self, method: str, timing) -> None:
        """Keep `operating` / `operating_reset_at` of a successful answer's `time`; pause the method
        when it is within `reserve` seconds of the limit."""
        if not isinstance(timing, dict) or not isinstance(timing.get("operating"), (int, float)):
            return
        operating = float(timing["operating"])
        reset_at = timing.get("operating_reset_at")
        reset_at = float(reset_at) if isinstance(reset_at, (int, float)) else None
        with self._lock:
            self._seen[method] = (operating, reset_at)
            if operating >= self.limit - self.reserve:
                self._paused[method] = reset_at if reset_at and reset_at > self._clock() else \
                    self._clock() + UNKNOWN_RESET_WAIT
            else:
                self._paused.pop(method, None)

    def refused(self, error: OperationTimeLimit) -> OperationTimeLimit:
        """The portal refused `error.method` (429): pause it until the reset time, which the error
        gets from its own answer, else from the last answer seen, else a minute from now."""
        now = self._clock()
        with self._lock:
            reset_at = error.reset_at
            if not reset_at or reset_at <= now:
                known = self._seen.get(error.method, (0.0, None))[1]
                reset_at = known if known and known > now else now + UNKNOWN_RESET_WAIT
            self._paused[error.method] = error.reset_at = reset_at
        return error

    def seen(self, method: str) -> tuple[float, float | None] | None:
        """(operating, operating_reset_at) from the last answer of `method`, if any."""
        with self._lock:
            return self._seen.get(method)


# A per-process registry on purpose: what one client learns of a method's budget holds for every
# client of that portal in this process. One small object per portal, kept for the process's life.
_budgets: dict[str, OperatingBudget] = {}
_budgets_lock = threading.Lock()


def budget_for(member_id: str) -> OperatingBudget:
    """The budget shared by every client of the portal `member_id` in this process."""
    with _budgets_lock:
        budget = _budgets.get(member_id)
        if budget is None:
            budget = _budgets[member_id] = OperatingBudget()
        return budget
