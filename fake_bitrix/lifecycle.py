"""The application's lifecycle on a portal: install, bound event handlers, uninstall.

Bitrix24 posts events form-encoded with PHP-style nested keys (``auth[member_id]=...``): the docs
show them as PHP arrays read from ``$_POST`` (``installation-callback.md``), and b24pysdk parses
flattened keys (``credentials/_utils/parse_flattened_keys.py``). ``ONAPPUNINSTALL`` carries
``event``, ``data[LANGUAGE_ID]``, ``data[CLEAN]``, ``ts`` and ``auth[domain|server_endpoint|
client_endpoint|member_id|application_token]`` and no tokens (``on-app-uninstall.md``); events of
handlers bound with ``event.bind`` also carry ``event_handler_id`` (other events' pages; switch
``send_event_handler_id``). The installation callback carries the first token pair.
"""
import logging
import secrets
import threading
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener

from . import phpquery

logger = logging.getLogger(__name__)


@dataclass
class EventPost:
    """One event the portal posted: where, the form it sent (flat PHP-style keys), the answer's status."""

    url: str
    form: dict
    status: int | None  # None: the handler could not be reached


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = build_opener(_NoRedirects)


def post_form(url: str, pairs: list, timeout: float = 10.0) -> int | None:
    """POST ``pairs`` form-encoded to ``url``; the answer's status, or None when unreachable."""
    request = Request(url, data=urlencode(pairs).encode(), method="POST",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return answer.status
    except HTTPError as error:
        return error.code
    except (URLError, OSError):
        return None


class Lifecycle:
    """Mixed into ``Portal``: installation state, ``application_token``, event handlers."""

    def __init__(self):
        self.application_token = secrets.token_hex(16)
        self.send_event_handler_id = True
        self.event_handlers: list[dict] = []  # {"id", "event", "handler", "auth_type"}
        self._handlers_lock = threading.Lock()
        self._next_handler_id = 1

    @property
    def installed(self) -> bool:
        return bool(self.data.app.get("INSTALLED"))

    def mark_installed(self) -> None:
        """Installed (again): a new ``application_token`` for this installation."""
        self.data.app["INSTALLED"] = True
        self.application_token = secrets.token_hex(16)

    def bind_event(self, event: str, handler: str, auth_type: int = 0) -> dict | None:
        """Register a handler (None when the same one is bound already)."""
        with self._handlers_lock:
            for bound in self.event_handlers:
                if (bound["event"], bound["handler"], bound["auth_type"]) == (event, handler, auth_type):
                    return None
            bound = {"id": self._next_handler_id, "event": event, "handler": handler, "auth_type": auth_type}
            self._next_handler_id += 1
            self.event_handlers.append(bound)
            return bound

    def unbind_events(self, event: str, handler: str, auth_type: int | None = None) -> int:
        """Remove matching handlers; how many were removed."""
        with self._handlers_lock:
            kept = [bound for bound in self.event_handlers
                    if not (bound["event"] == event and bound["handler"] == handler
                            and (auth_type is None or bound["auth_type"] == auth_type))]
            removed = len(self.event_handlers) - len(kept)
            self.event_handlers = kept
        return removed

    def install(self, handler_url: str | None = None, user_id: int = 1) -> EventPost:
        """Install the app ("uses only API"): a new ``application_token`` and the installation
        callback, ``ONAPPINSTALL`` with the first token pair, posted to ``handler_url``."""
        url = handler_url or self.fake.install_handler_url
        if not url:
            raise ValueError("no installation handler URL given or configured")
        self.mark_installed()
        auth = self.issue_tokens(user_id)
        auth.update(domain=self.domain, application_token=self.application_token)
        fields = {"event": "ONAPPINSTALL",
                  "data": {"VERSION": "1", "ACTIVE": "Y", "INSTALLED": "Y",
                           "LANGUAGE_ID": self.data.app.get("LANGUAGE_ID", "ru")},
                  "ts": str(int(self.clock.now())), "auth": auth}
        return self._post(url, fields)

    def uninstall(self, clean: bool = True) -> list[EventPost]:
        """An administrator removes the app: its tokens stop working, its handlers are dropped, and
        ``ONAPPUNINSTALL`` goes to every handler bound for it. ``clean``: the administrator asked to
        delete the application's data."""
        with self._handlers_lock:
            handlers, self.event_handlers = self.event_handlers, []
        self.tokens.revoke(self.member_id, remember=True)
        self.data.app["INSTALLED"] = False
        posts = []
        for bound in handlers:
            if bound["event"] != "ONAPPUNINSTALL":
                continue
            fields = {"event": "ONAPPUNINSTALL"}
            if self.send_event_handler_id:
                fields["event_handler_id"] = str(bound["id"])
            fields.update(data={"LANGUAGE_ID": self.data.app.get("LANGUAGE_ID", "ru"), "CLEAN": int(clean)},
                          ts=str(int(self.clock.now())),
                          auth={"domain": self.domain, "server_endpoint": self.oauth_host.server_endpoint,
                                "client_endpoint": self.client_endpoint, "member_id": self.member_id,
                                "application_token": self.application_token})
            posts.append(self._post(bound["handler"], fields))
        return posts

    def _post(self, url: str, fields: dict) -> EventPost:
        pairs = [(key, str(value)) for key, value in phpquery.pairs(fields)]
        status = post_form(url, pairs)
        self.counters.bump("events_posted")
        logger.info("fake portal posted %s: status %s", fields["event"], status)
        return EventPost(url, dict(pairs), status)

