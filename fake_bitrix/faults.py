"""Failures a test asks for: error answers, slow answers, non-JSON bodies, failures after the effect."""
import threading
from dataclasses import dataclass

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

    def matches(self, method: str) -> bool:
        return self.method is None or self.method == method

    @property
    def answers_normally(self) -> bool:
        """A pure slow-down: after the delay the call is answered as usual."""
        return self.raw_body is None and self.status in (None, 200)



class FaultAnswer(Exception):
    """An injected answer that is not a Bitrix error: a non-JSON body."""

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
    if fault.raw_body is not None:
        body = fault.raw_body.encode() if isinstance(fault.raw_body, str) else fault.raw_body
        raise FaultAnswer(Response(fault.status or 200, body, "text/html; charset=utf-8"))
    raise BitrixError(fault.status, fault.error, fault.description)


class FaultQueue:
    """Faults in the order they were asked for; each request takes the first that matches."""

    def __init__(self):
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, named_only: bool = False) -> Fault | None:
        """The fault for this call of ``method`` (used up after ``times`` calls), or None.

        ``named_only`` (batch commands): only faults naming the method; the HTTP request took the rest.
        """
        with self._lock:
            for fault in self._faults:
                if fault.matches(method) and not (named_only and fault.method is None):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None
