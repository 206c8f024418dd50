"""How long and how often the client repeats a request that did not get through."""

from __future__ import annotations

import dataclasses
import random

from .errors import BitrixError


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """Bounds for repeating requests: attempts for failed reads, total time for rate-limit answers."""

    #: attempts in all after transport failures or 5xx answers (1 = never repeat); a write is
    #: repeated only when it surely did not run (e.g. the connection was refused)
    read_attempts: int = 3
    #: seconds, from the first attempt, during which rate-limit answers are waited out
    rate_limit_budget: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 10.0

    def backoff(self, failures: int, rng=random.random) -> float:
        """The delay before repeat number `failures` of a request."""
        return backoff(failures, self.base_delay, self.max_delay, rng)

    def should_repeat(self, error: BitrixError, failures: int, write: bool) -> bool:
        """Whether a request that failed with `error` (for the `failures`-th time) may be sent again.

        Rate-limit answers are not counted here: they never ran, and `rate_limit_budget` bounds them.
        A portal on hold (OVERLOAD_LIMIT) is not asked again: only Bitrix24 support lifts that.
        """
        if not error.retryable or error.hold or failures >= self.read_attempts:
            return False
        return not (write and error.request_may_have_run)


def backoff(attempt: int, base: float, cap: float, rng=random.random) -> float:
    """Exponential delay with jitter (half to full) before repeat number `attempt` (from 1).

    The one backoff of the project: the client's repeats of a request, the service's retries of
    a delivery and of a background job all wait by it, each layer with its own base and cap.
    """
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return ceiling * (0.5 + rng() / 2)
