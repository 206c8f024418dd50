"""Failures a test asks for, per portal: refused calls, failed requests, slow or lost answers.

A fault names a method (or None: any top-level request) and which calls it hits: from the ``nth``
matching call on, ``times`` calls (None: until cleared). It strikes

- before the call takes effect (default): an error answer, a raw non-JSON body, a slow answer
  (``status`` None), or a dropped connection (``drop``); nothing happened on the portal;
- or after it (``after_effect``): the call ran, then the answer is an error, or slow (the client
  times out), or the connection closes (``drop``): the client cannot know it took effect.

Calls inside a ``batch`` are matched by their own method names (only by faults that name them);
the ``batch`` request itself is matched as ``"batch"``. A fault strikes a command inside a batch
as that command's entry in ``result_error``; a dropped connection ends the whole batch (the
commands before it ran). Faults are checked in the order they were added; one still waiting for
its ``nth`` call counts the call and lets the next fault look at it.
"""
import threading
from dataclasses import dataclass, field

from .envelope import BitrixError
from .server import Response


@dataclass
class Fault:
    method: str | None
    times: int | None  # None: until cleared
    status: int | None = 500
    error: str = "INTERNAL_SERVER_ERROR"
    description: str = ""
    delay: float = 0.0
    raw_body: str | bytes | None = None
    after_effect: bool = False
    nth: int = 1  # the first matching call it strikes (1: the next one)
    drop: bool = False  # close the connection without an answer
    struck: int = 0  # how many calls it has struck so far
    waiting: int = field(init=False)  # matching calls still to let through

    def __post_init__(self):
        if self.nth < 1:
            raise ValueError("nth counts from 1 (the next matching call)")
        self.waiting = self.nth - 1

    def matches(self, method: str) -> bool:
        return self.method is None or self.method == method

    @property
    def answers_normally(self) -> bool:
        """A pure slow-down: after the delay the call is answered as usual."""
        return not self.drop and self.raw_body is None and self.status in (None, 200)


class FaultAnswer(Exception):
    """An injected answer that is not a Bitrix error: a non-JSON body, or no answer at all."""

    def __init__(self, response: Response):
        super().__init__("injected raw answer")
        self.response = response


def strike(fault: Fault, stopping: threading.Event) -> None:
    """Wait out the fault's delay (cut short when the portal stops), then raise its answer.

    A pure slow-down raises nothing: the call is then answered as usual.
    """
    stopping.wait(fault.delay)
    if fault.answers_normally:
        return
    if fault.drop:
        raise FaultAnswer(Response(0, drop=True))
    if fault.raw_body is not None:
        body = fault.raw_body.encode() if isinstance(fault.raw_body, str) else fault.raw_body
        raise FaultAnswer(Response(fault.status or 200, body, "text/html; charset=utf-8"))
    raise BitrixError(fault.status, fault.error, fault.description)


class FaultQueue:
    """Faults in the order they were asked for; each request takes the first that strikes it."""

    def __init__(self):
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, named_only: bool = False) -> Fault | None:
        """The fault that strikes this call of ``method`` (used up after ``times`` calls), or None.

        ``named_only`` (batch commands): only faults naming the method; the HTTP request took the rest.
        """
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(method) or (named_only and fault.method is None):
                    continue
                if fault.waiting > 0:
                    fault.waiting -= 1
                    continue
                fault.struck += 1
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None
