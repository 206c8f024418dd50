"""One fake Bitrix24 portal on its own loopback port: switches, limits, faults and what it received."""
import logging
import secrets
import threading

from . import lifecycle, rest
from .authorize import authorize
from .envelope import BitrixError
from .faults import Fault, FaultQueue
from .latency import Latency
from .limits import LeakyBucket, OperatingMeter
from .methods.crm_mode import CLASSIC_CRM, SIMPLE_CRM
from .moves import redirect_app
from .oauth import ACCESS_LIFETIME, OAuthError
from .server import Hosted, Listener, Request, Response, html_response
from .stats import Stats

logger = logging.getLogger(__name__)
STATES = ("active", "deleted", "unpaid", "blocked", "overloaded")
_STATE_ERRORS = {
    "deleted": ("deleted_status", "PORTAL_DELETED", "Portal was deleted"),
    "unpaid": ("unpaid_status", "PAYMENT_REQUIRED", "Subscription has been ended"),
    "blocked": ("blocked_status", "ACCESS_DENIED", "REST API is available only on commercial plans"),
    "overloaded": ("overload_status", "OVERLOAD_LIMIT", "REST API is blocked due to overload"),
}
# What a pair killed by an uninstall gets from REST calls (b24pysdk's errors name the first two).
UNINSTALLED_REST_ERRORS = {
    "APPLICATION_NOT_FOUND": (401, "Application not found"),
    "ERROR_OAUTH": (401, "Application not installed"),
    "invalid_token": (401, "Unable to get application by token"),
}


class Portal(Hosted, lifecycle.Lifecycle):
    """A portal of ``FakeBitrix``; made by ``fake.add_portal()``, stopped with the fake.

    Switches tests may set (where the sources disagree or are silent): ``scope`` (granted to the
    app, "crm,user"), ``scope_error_status`` (401 or 403 for insufficient_scope), the status of each
    state's error (``deleted_status`` 410, ``unpaid_status`` 401, ``blocked_status`` 403,
    ``overload_status`` 503), ``batch_overflow`` ("request": >50 commands fail the whole batch with
    400; "command": the surplus commands fail in ``result_error``), ``token_lifetime`` (seconds an
    access token lives), ``uninstalled_rest_error`` (a key of ``UNINSTALLED_REST_ERRORS``),
    ``time_in_429`` (a 429 carries ``time`` with ``operating_reset_at``), ``link_check`` ("none": an
    add or update stores links to contacts, companies and leads as given, even to IDs that do not
    exist, as for an administrator; "read": a link to an ID that does not exist refuses the call, as
    for a user who may read only existing items), ``converted_leads`` in simple CRM mode ("hidden": a
    converted lead cannot be read or listed; "visible": it can, with STATUS_ID CONVERTED),
    ``simple_crm_category`` (the deal pipeline simple mode converts leads into, 0).

    Knobs: ``set_limits``, ``set_latency``, ``set_crm_mode``, ``set_state``, ``revoke``, ``move``,
    ``install``, ``uninstall``, ``dismiss_user``; failures: ``fail``, ``refuse``, ``lose_answer``,
    ``clear_faults`` (see ``faults.py``).
    """

    def __init__(self, fake, data, member_id: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 enterprise: bool = False, oauth_host=None):
        self.fake, self.data = fake, data
        self.clock, self.tokens = fake.clock, fake.tokens
        self.oauth_host = oauth_host or fake.default_oauth
        self.member_id = member_id or secrets.token_hex(16)
        self.scope = fake.scope
        self.state = "active"
        self.scope_error_status, self.batch_overflow = 401, "request"
        self.deleted_status, self.unpaid_status, self.blocked_status, self.overload_status = 410, 401, 403, 503
        self.token_lifetime = ACCESS_LIFETIME
        self.uninstalled_rest_error = "APPLICATION_NOT_FOUND"
        self.time_in_429 = False  # whether a 429 OPERATION_TIME_LIMIT carries `time` (undocumented)
        self.dismissed_users: set[int] = set()
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
        self._host = host
        self._listener = Listener(self._serve, host, port)
        self._old_listeners: list[Listener] = []
        lifecycle.Lifecycle.__init__(self)

    # ``url`` and ``domain`` change when the portal ``move``s; ``stats``: requests, by_method,
    # by_status, errors, rejected_503, faults, batch_commands, authorize, redirected, events_posted.

    @property
    def client_endpoint(self) -> str:
        return self.rest_endpoint

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
        for listener in [self._listener, *self._old_listeners]:
            listener.stop()

    def move(self, port: int = 0, status: int = 302) -> str:
        """The portal changes its address: the old one answers every request with ``status`` and a
        ``Location`` on the new one (the docs' ``change-domen``); tokens keep working, and token
        answers from now on carry the new ``client_endpoint``. Returns the old URL."""
        old, self._listener = self._listener, Listener(self._serve, self._host, port)
        old.app = redirect_app(self, status)
        self._old_listeners.append(old)
        self._listener.start()
        logger.info("fake Bitrix24 portal moved from %s to %s", old.url, self.url)
        return old.url

    def approve(self, state: str | None = None, user_id: int = 1) -> dict:
        """The user approves (installs) the app: the query the portal would redirect with."""
        if not self.installed:
            self.mark_installed()
        answer = {"code": self.tokens.new_code(self.member_id, user_id)}
        if state is not None:
            answer["state"] = state
        answer.update(domain=self.domain, member_id=self.member_id, scope=self.scope,
                      server_domain=self.oauth_host.domain)
        return answer

    def issue_tokens(self, user_id: int = 1) -> dict:
        """A token answer as the code exchange would give, without the browser round trip."""
        return self.fake.token_answer(self.tokens.issue(self.member_id, user_id, self.token_lifetime))

    def set_limits(self, bucket: int = 50, drain: float = 2.0, enabled: bool = True,
                   operating_limit: float | None = None) -> None:
        """Leaky bucket size and drain per second; operating seconds per method and 10 minutes (429).

        ``operating_limit`` None keeps the real 480 s.
        """
        self.bucket.configure(bucket, drain, enabled)
        self.operating.limit = self.operating.DEFAULT_LIMIT if operating_limit is None else operating_limit

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
        """The app's tokens and codes die without trace (invalid_token, invalid_grant); approving
        again reinstalls it. ``uninstall`` is the administrator removing the app, events included."""
        self.tokens.revoke(self.member_id)
        self.data.app["INSTALLED"] = False

    def set_state(self, state: str) -> None:
        """"active", "deleted" (PORTAL_DELETED), "unpaid" (PAYMENT_REQUIRED), "blocked" (ACCESS_DENIED),
        "overloaded" (OVERLOAD_LIMIT: REST blocked by Bitrix24 support)."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}")
        self.state = state

    def check_usable(self) -> None:
        """Raise what every REST call gets from a deleted, unpaid, blocked or overloaded portal."""
        if self.state in _STATE_ERRORS:
            status_switch, code, description = _STATE_ERRORS[self.state]
            raise BitrixError(getattr(self, status_switch), code, description)

    def dismiss_user(self, user_id: int) -> None:
        """The user is dismissed (deactivated): calls with their tokens get 401 authorization_error."""
        self.dismissed_users.add(int(user_id))
        user = self.data.user(user_id)
        if user is not None:
            user["ACTIVE"] = False

    def uninstalled_rest_answer(self) -> BitrixError:
        """What a REST call with a pair killed by an uninstall gets."""
        status, description = UNINSTALLED_REST_ERRORS[self.uninstalled_rest_error]
        return BitrixError(status, self.uninstalled_rest_error, description)

    def uninstalled_refresh_error(self) -> OAuthError:
        """What refreshing a pair killed by an uninstall gets."""
        if self.fake.uninstalled_refresh_error == "NOT_INSTALLED":
            return OAuthError("NOT_INSTALLED", "Application not installed", status=401)
        return OAuthError("invalid_grant", "The refresh token is invalid or expired")

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
