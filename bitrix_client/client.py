"""BitrixClient: the one `_call` every REST request of a portal goes through."""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Hashable, Mapping
from typing import Any

import requests

from . import lists, scan
from .batch import BatchResult, encode_commands, read_batch
from .error_table import error_for
from .errors import (
    BitrixError,
    ExpiredToken,
    InsecureEndpoint,
    InvalidToken,
    OperationTimeLimit,
    PortalMoved,
    RateLimited,
)
from .limiter import LeakyBucket, limiter_for
from .oauth import TokenSet
from .operating import OperatingBudget, budget_for
from .retry import RetryPolicy
from .tokens import TokenHolder
from .transport import decode_json, transport_error

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 30)
# A method name ends up in the URL path: nothing that could climb out of /rest/ or add a query.
_METHOD_NAME = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")


class BitrixClient:
    """REST client of one portal: URL, auth, timeout, limits, retries and error mapping in one place.

    Expired or rejected tokens are renewed once through the holder; a moved portal (3xx) is
    refreshed through the holder (whose strategy stores the new address) and the same request is
    sent once to the new endpoint; a method whose operating budget is spent is not called
    (OperationTimeLimit with `reset_at`, see `operating.py`).
    """

    def __init__(self, token_holder: TokenHolder, limiter: LeakyBucket | None = None,
                 session: requests.Session | None = None, timeout=DEFAULT_TIMEOUT,
                 retry: RetryPolicy = RetryPolicy(), allow_http: bool = False,
                 clock=time.monotonic, sleep=time.sleep, rng=random.random, observer=None,
                 operating: OperatingBudget | None = None):
        self.token_holder = token_holder
        self.limiter = limiter or limiter_for(token_holder.tokens.member_id)
        self.operating = operating or budget_for(token_holder.tokens.member_id)
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retry = retry
        self.allow_http = allow_http
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        # observer(method, outcome, seconds, limiter_wait_seconds) after every HTTP request (metrics)
        self._observer = observer

    def __repr__(self):
        return f"BitrixClient(member_id={self.token_holder.tokens.member_id!r})"

    def call(self, method: str, params: Mapping | None = None, *, write: bool = False) -> Any:
        """Call `method` and return its `result`; `write=True` for calls that change data."""
        return self._call(method, params, write=write)["result"]

    def request(self, method: str, params: Mapping | None = None, *, write: bool = False) -> dict:
        """Call `method` and return the whole answer (`result`, `total`, `next`, `time`)."""
        return self._call(method, params, write=write)

    def batch(self, commands: Mapping[Hashable, tuple[str, Mapping | None]], halt: bool = False,
              *, write: bool = False) -> BatchResult:
        """Run up to 50 `{key: (method, params)}` commands in one request; errors come back per key."""
        methods = {method for method, _ in commands.values()}
        answer = self._call("batch", {"halt": int(halt), "cmd": encode_commands(commands)}, write=write,
                            methods=methods)
        result = read_batch(answer, commands)
        for error in result.errors.values():
            if isinstance(error, OperationTimeLimit):
                self.operating.refused(error)
        return result

    def iter_list(self, method, params=None, key=None):
        """Every item of a list method, page by page as they are consumed."""
        return lists.iter_list(self, method, params, key)

    def fetch_all(self, method, params=None, key=None, **options) -> list:
        """Every item of a list method, pages packed into batches (see `lists.fetch_all`)."""
        return lists.fetch_all(self, method, params, key, **options)

    def fetch_all_by_id(self, method, params=None, key=None, **options) -> list:
        """Every item, by the `>ID` + `start=-1` scan without counting (see `scan.fetch_all_by_id`)."""
        return scan.fetch_all_by_id(self, method, params, key, **options)

    def _call(self, method: str, params: Mapping | None, *, write: bool, methods=None) -> dict:
        if not _METHOD_NAME.match(method):
            raise ValueError(f"not a REST method name: {method!r}")
        self.operating.check(methods or (method,))
        started = self._clock()
        attempt = failures = rate_limited = 0
        renewed = moved = False
        while True:
            attempt += 1
            tokens = self.token_holder.current()
            try:
                answer = self._send(method, params, tokens, attempt)
            except (ExpiredToken, InvalidToken):
                # invalid_token too: another process may have rotated the pair under us.
                self.token_holder.reject(tokens)
                if renewed:
                    raise
                renewed = True
                self.token_holder.renew(tokens)
                continue
            except PortalMoved:
                # Never followed with the token: the refresh's answer says where the portal is now.
                if moved:
                    raise
                moved = True
                self.token_holder.reject(tokens)
                if self.token_holder.renew(tokens).client_endpoint == tokens.client_endpoint:
                    raise  # the authorization server does not know the new address (yet)
                log.info("bitrix portal member_id=%s moved: repeating %s at its new address",
                         tokens.member_id, method)
                continue
            except OperationTimeLimit as error:
                raise self.operating.refused(error) from None
            except RateLimited:
                # A full bucket (a spent operating budget was raised above: nothing waits it out here).
                rate_limited += 1
                self.limiter.saturate()
                delay = self.retry.backoff(rate_limited, self._rng)
                if self._clock() + delay - started > self.retry.rate_limit_budget:
                    raise
            except BitrixError as error:
                failures += 1
                if not self.retry.should_repeat(error, failures, write):
                    raise
                delay = self.retry.backoff(failures, self._rng)
            else:
                self.operating.observe(method, answer.get("time"))
                return answer
            log.info("bitrix %s attempt=%d failed, repeating in %.2f s", method, attempt, delay)
            self._sleep(delay)

    def _send(self, method: str, params: Mapping | None, tokens: TokenSet, attempt: int) -> dict:
        endpoint = tokens.client_endpoint
        if not (endpoint.startswith("https://") or (self.allow_http and endpoint.startswith("http://"))):
            raise InsecureEndpoint("", "refusing to send a token to a non-https endpoint", None, method)
        url = f"{endpoint.rstrip('/')}/{method}"
        body = {**(params or {}), "auth": tokens.access_token}
        waited = self.limiter.acquire()
        sent = self._clock()
        try:
            response = self.session.post(url, json=body, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            error = transport_error(exc, method)
            self._log(method, attempt, sent, None, error, waited)
            raise error from None
        try:
            answer = _answer(response, method)
        except BitrixError as error:
            self._log(method, attempt, sent, response.status_code, error, waited)
            raise
        self._log(method, attempt, sent, response.status_code, None, waited)
        return answer

    def _log(self, method, attempt, sent, status, error, waited) -> None:
        # Method, timing and codes only: URLs, bodies and descriptions may carry tokens or personal data.
        elapsed_ms = (self._clock() - sent) * 1000
        member_id = self.token_holder.tokens.member_id
        outcome = "ok" if error is None else (error.code or type(error).__name__)
        if error is None:
            log.debug("bitrix %s -> %s ok %.0f ms attempt=%d member_id=%s",
                      method, status, elapsed_ms, attempt, member_id)
        else:
            log.warning("bitrix %s -> %s %s %.0f ms attempt=%d member_id=%s",
                        method, status or "-", outcome, elapsed_ms, attempt, member_id)
        if self._observer is not None:
            self._observer(method, outcome, elapsed_ms / 1000, waited)


def _answer(response: requests.Response, method: str) -> dict:
    """The decoded success envelope, or the typed error the answer stands for."""
    status = response.status_code
    if 300 <= status < 400:
        raise PortalMoved("", "portal address changed", status, method,
                          location=response.headers.get("Location", ""))
    answer = decode_json(response, method)
    if not isinstance(answer, dict):
        raise error_for("", "answer is not a JSON object", status, method)
    if status >= 400 or ("error" in answer and "result" not in answer):
        raise error_for(answer.get("error") or "", answer.get("error_description") or "", status, method,
                        body=answer)
    if "result" not in answer:
        raise error_for("", "answer without result", status, method)
    return answer
