"""Turning `requests` failures and undecodable answers into TransportError."""

from __future__ import annotations

import requests
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from .errors import TransportError

# Failures that happen before a byte of the request left this host: the portal never saw it.
_NOT_SENT = (ConnectTimeoutError, NewConnectionError, NameResolutionError)


def transport_error(exc: requests.RequestException, method: str) -> TransportError:
    """Map a `requests` exception to TransportError, saying whether the request may have run."""
    may_have_run = not (isinstance(exc, requests.ConnectTimeout) or _caused_by(exc, _NOT_SENT))
    kind = "read timeout" if isinstance(exc, requests.ReadTimeout) else type(exc).__name__
    return TransportError("", kind, None, method, request_may_have_run=may_have_run)


def decode_json(response: requests.Response, method: str):
    """The JSON body of an answer, or TransportError when it is not JSON (e.g. an HTML error page)."""
    try:
        return response.json()
    except ValueError:
        # The server answered, so it may have acted on the request before failing to say so.
        raise TransportError("", "answer is not JSON", response.status_code, method,
                             request_may_have_run=True) from None


def _caused_by(exc: BaseException, types) -> bool:
    """True when `exc` wraps one of `types` (urllib3 hides the cause in args and `reason`)."""
    seen = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, types):
            return True
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None),
                  *getattr(current, "args", ())]
        pending.extend(item for item in linked if isinstance(item, BaseException))
    return False
