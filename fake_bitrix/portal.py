"""One fake Bitrix24 portal on its own loopback port: switches, limits, faults and what it received."""
import logging
import secrets
import threading

from . import rest
from .authorize import authorize
from .envelope import BitrixError
from .faults import Fault, FaultQueue
from .latency import Latency
from .limits import LeakyBucket, OperatingMeter
from .methods.crm_mode import CLASSIC_CRM, SIMPLE_CRM
from .server import Listener, Request, Response, html_response
from .stats import Stats

logger = logging.getLogger(__name__)
STATES = ("active", "deleted", "unpaid", "blocked")


class Portal:
    """A portal of ``FakeBitrix``; made by ``fake.add_portal()``, stopped with the fake.

    Switches tests may set: ``scope`` (granted to the app, "crm,user"), ``scope_error_status``
    (401 or 403 for insufficient_scope), ``deleted_status`` (PORTAL_DELETED, 410),
    ``batch_overflow`` ("request": >50 commands fail the whole batch with 400; "command": the surplus
    commands fail in ``result_error``), ``link_check`` ("none": an add or update stores links to
    contacts, companies and leads as given, even to IDs that do not exist, as for an administrator;
    "read": a link to an ID that does not exist refuses the call, as for a user who may read only
    existing items), ``converted_leads`` in simple CRM mode ("hidden": a converted lead cannot be
    read or listed; "visible": it can, with STATUS_ID CONVERTED), ``simple_crm_category`` (the deal
    pipeline simple mode converts leads into, 0).

    Knobs: ``set_limits``, ``set_latency``, ``set_crm_mode``, ``set_state``, ``revoke``; failures:
    ``fail``, ``refuse``, ``lose_answer``, ``clear_faults`` (see ``faults.py``).
    """

    def __init__(self, fake, data, member_id: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 enterprise: bool = False):
        self.fake, self.data = fake, data
        self.clock, self.tokens = fake.clock, fake.tokens
        self.member_id = member_id or secrets.token_hex(16)
        self.scope = fake.scope
        self.state = "active"
        self.scope_error_status, self.deleted_status, self.batch_overflow = 401, 410, "request"
        self.link_check, self.converted_leads, self.simple_crm_category = "none", "hidden", 0
        self.crm_mode = CLASSIC_CRM
        self.converted_lead_ids: set[int] = set()
        self.latency = Latency()
        self.bucket = LeakyBucket(250, 5.0) if enterprise else LeakyBucket(50, 2.0)
        self.operating = OperatingMeter(self.clock)
        self.faults = FaultQueue()
        self.counters = Stats()
        self.stopping = threading.Event()
        self._webhooks: dict[int, str] = {}
        self._listener = Listener(self._serve, host, port)

    @property
    def url(self) -> str:
        return self._listener.url

    @property
    def domain(self) -> str:
        return self._listener.domain

    @property
    def client_endpoint(self) -> str:
        return f"{self.url}/rest/"

    @property
    def stats(self) -> dict:
        """requests, by_method, by_status, errors, rejected_503, faults, batch_commands, authorize."""
        return self.counters.snapshot()

    @property
    def requests(self) -> list:
        """The request log (newest last): method, params without auth, status, error."""
        return list(self.counters.log)

    def reset_stats(self) -> None:
        self.counters.reset()

    def start(self) -> None:
        self._listener.start()

    def stop(self) -> None:
        self.stopping.set()
        self._listener.stop()

    def approve(self, state: str | None = None, user_id: int = 1) -> dict:
        """The user approves (installs) the app: the query the portal would redirect with."""
        self.data.app["INSTALLED"] = True
        answer = {"code": self.tokens.new_code(self.member_id, user_id)}
        if state is not None:
            answer["state"] = state
        answer.update(domain=self.domain, member_id=self.member_id, scope=self.scope,
                      server_domain=self.fake.oauth_domain)
        return answer

    def issue_tokens(self, user_id: int = 1) -> dict:
        """A token answer as the code exchange would give, without the browser round trip."""
        return self.fake.token_answer(self.tokens.issue(self.member_id, user_id))

    def set_limits(self, bucket: int = 50, drain: float = 2.0, enabled: bool = True,
                   operating_limit: float | None = None) -> None:
        """Leaky bucket size and drain per second; operating seconds per method and 10 minutes (429)."""
        self.bucket.configure(bucket, drain, enabled)
        self.operating.limit = operating_limit

    def set_latency(self, seconds: float, jitter: float = 0.0, seed: int | None = None) -> None:
        """Every REST request of this portal is answered ``seconds`` ± ``jitter`` after it arrived."""
        self.latency.configure(seconds, jitter, seed)

    def set_crm_mode(self, mode: int) -> None:
        """1: classic CRM, with leads (default); 2: simple CRM, a new lead is converted at once."""
        if mode not in (CLASSIC_CRM, SIMPLE_CRM):
            raise ValueError("CRM mode is 1 (classic) or 2 (simple)")
        self.crm_mode = mode

    def fail(self, method: str | None = None, times: int | None = 1, status: int | None = 500,
             error: str = "INTERNAL_SERVER_ERROR", description: str = "", delay: float = 0.0,
             raw_body: str | bytes | None = None, after_effect: bool = False, nth: int = 1,
             drop: bool = False) -> Fault:
        """From the ``nth`` call of ``method`` on (None: any request), ``times`` calls fail so.

        ``status`` None or 200 without ``raw_body`` means only slow: answered normally after ``delay``;
        ``drop`` closes the connection without an answer; ``after_effect``: the call ran first.
        """
        name = method.lower().removesuffix(".json") if method else None
        return self.faults.add(Fault(name, times, status, error, description, delay, raw_body, after_effect,
                                     nth, drop))

    def refuse(self, method: str, description: str = "Access denied.", nth: int = 1,
               times: int | None = 1) -> Fault:
        """The ``nth`` call of a legacy CRM method (alone or inside a batch) is refused, nothing done.

        As crm.contact.add and friends refuse: HTTP 400 (inside a batch: its ``result_error``
        entry) with an empty ``error`` and the reason in ``error_description``.
        """
        return self.fail(method, times, 400, "", description, nth=nth)

    def lose_answer(self, method: str = "batch", status: int | None = None, nth: int = 1,
                    times: int | None = 1, delay: float = 0.0) -> Fault:
        """The ``nth`` call of ``method`` takes effect (a batch: all its commands), then its answer
        is lost: the connection closes (``status`` None) or the client gets that 5xx instead."""
        if status is None:
            return self.fail(method, times, None, delay=delay, after_effect=True, nth=nth, drop=True)
        return self.fail(method, times, status, delay=delay, after_effect=True, nth=nth)

    def clear_faults(self) -> None:
        self.faults.clear()

    def revoke(self) -> None:
        """The app is uninstalled: its tokens and codes die; approving again reinstalls it."""
        self.tokens.revoke(self.member_id)
        self.data.app["INSTALLED"] = False

    def set_state(self, state: str) -> None:
        """"active", "deleted" (PORTAL_DELETED), "unpaid" (PAYMENT_REQUIRED), "blocked" (ACCESS_DENIED)."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}")
        self.state = state

    def check_usable(self) -> None:
        """Raise what every REST call gets from a deleted, unpaid or blocked portal."""
        if self.state == "deleted":
            raise BitrixError(self.deleted_status, "PORTAL_DELETED", "Portal was deleted")
        if self.state == "unpaid":
            raise BitrixError(401, "PAYMENT_REQUIRED", "Subscription has been ended")
        if self.state == "blocked":
            raise BitrixError(403, "ACCESS_DENIED", "REST API is available only on commercial plans")

    def webhook_url(self, user_id: int = 1) -> str:
        """An inbound webhook of that user: ``{url}/rest/{user_id}/{code}/``."""
        if user_id not in self._webhooks:
            self._webhooks[user_id] = secrets.token_hex(8)
        return f"{self.url}/rest/{user_id}/{self._webhooks[user_id]}/"

    def webhook_code(self, user_id: int) -> str | None:
        return self._webhooks.get(user_id)

    def _serve(self, request: Request) -> Response:
        if request.path.rstrip("/") == "/oauth/authorize":
            return authorize(self, request)
        if request.path.startswith("/rest/"):
            return rest.handle(self, request)
        return html_response(404, "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>")
