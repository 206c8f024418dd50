"""Events Bitrix24 posts to the application, and binding their handlers (docs/bitrix24.md, "Events").

Bitrix24 posts events form-encoded with PHP-style keys (`auth[member_id]=...`); `parse_event`
takes those flat pairs (or an already nested JSON body) and gives the fields a handler needs.
Whether to believe an event is the caller's decision: compare `application_token` with the one
stored for `member_id` (`token_matches`), or ask the portal (`app_installed`).
"""

from __future__ import annotations

import dataclasses
import hmac
import re
from collections.abc import Iterable, Mapping

from .errors import ApiError, BitrixError

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


@dataclasses.dataclass(frozen=True)
class AppEvent:
    """One event as posted: `auth` holds tokens only for ONAPPINSTALL and events with a user."""

    event: str
    member_id: str
    application_token: str = dataclasses.field(repr=False)
    data: dict = dataclasses.field(default_factory=dict)
    auth: dict = dataclasses.field(default_factory=dict, repr=False)
    ts: int | None = None
    handler_id: int | None = None

    @property
    def clean(self) -> bool:
        """ONAPPUNINSTALL: the administrator asked to delete the application's data."""
        return str(self.data.get("CLEAN", "0")).strip() == "1"

    def token_matches(self, stored: str | None) -> bool:
        """Whether the event carries the application_token stored for its portal (constant time)."""
        return bool(stored) and bool(self.application_token) and hmac.compare_digest(
            stored.encode(), self.application_token.encode())


def nest(pairs: Mapping | Iterable[tuple[str, str]]) -> dict:
    """Flat PHP-style pairs (`auth[member_id]`) as nested dicts; nested values pass through."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    root: dict = {}
    for key, value in items:
        match = _KEY.match(str(key))
        if not match:
            continue
        path = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        node = root
        for part in path[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[path[-1]] = value
    return root


def parse_event(pairs) -> AppEvent:
    """An `AppEvent` from a posted form (pairs or a mapping) or a JSON object; ValueError when it
    lacks `event`, `auth[member_id]` or `auth[application_token]`."""
    body = nest(pairs)
    auth = body.get("auth") if isinstance(body.get("auth"), dict) else {}
    event = str(body.get("event") or "").upper()
    member_id, token = auth.get("member_id"), auth.get("application_token")
    if not event or not isinstance(member_id, str) or not member_id or not isinstance(token, str):
        raise ValueError("not a Bitrix24 event: event, auth[member_id] and auth[application_token] needed")
    return AppEvent(event, member_id, token, body.get("data") if isinstance(body.get("data"), dict) else {},
                    auth, _int(body.get("ts")), _int(body.get("event_handler_id")))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def bind(client, event: str, handler: str) -> bool:
    """Bind `handler` for `event` (`event.bind`); True when bound now, False when it already was."""
    try:
        client.call("event.bind", {"event": event, "handler": handler}, write=True)
    except ApiError as error:
        if error.code.upper() == "ERROR_CORE" and "already" in error.description.lower():
            return False
        raise
    return True


def app_installed(client) -> bool:
    """Ask the portal whether the stored tokens still work for the application: False when the
    portal (or the authorization server) says the app or its tokens are gone for good."""
    try:
        client.call("app.info")
    except BitrixError as error:
        if error.stale:
            return False
        raise
    return True
