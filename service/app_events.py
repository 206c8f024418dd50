"""Events Bitrix24 posts about the application on a portal: installed (ONAPPINSTALL) and
uninstalled (ONAPPUNINSTALL). Anyone can post to these handlers, so nothing is done on an event's
word alone (docs/bitrix24.md, "Events and the application's lifecycle").
"""
import logging
import threading
import time

from bitrix_client import AppEvent, AppUninstalled, BitrixError, events, parse_event
from errors import BadRequest, Unauthorized, Unavailable
from service import delivery, portal_client
from service.connection import resume
from service.portal_url import secure_endpoint
from storage import job_queue, portal_data, portals
from storage.db import transaction

log = logging.getLogger(__name__)
UNINSTALLED = AppUninstalled.reason
# After a portal said the application is still installed, uninstalls it would have to confirm are
# refused without asking it again for this long: a flood of forged events must not spend the
# portal's rate limit, which its deliveries need. A real uninstall carries the stored
# application_token and is believed at once; one that cannot be checked is caught later all the
# same, when the portal refuses our tokens and the portal goes stale.
RECHECK_AFTER_SECONDS = 60.0


def _read(body, name: str) -> AppEvent:
    try:
        event = parse_event(body if isinstance(body, dict) else {})
    except ValueError:
        raise BadRequest("not a Bitrix24 event: event, auth[member_id] and auth[application_token] are needed") \
            from None
    if event.event != name:
        raise BadRequest(f"this handler takes {name} events only")
    return event


def uninstalled(ctx, body) -> str:
    """ONAPPUNINSTALL: believed, the portal is disconnected (and with CLEAN its data deleted)."""
    event = _read(body, "ONAPPUNINSTALL")
    if not _uninstall_believed(ctx, event):
        log.warning("ONAPPUNINSTALL for portal %s not believed", event.member_id)
        raise Unauthorized("event not believed: application_token does not match")
    with transaction():
        portals.disconnect(event.member_id, UNINSTALLED, forget_tokens=event.clean)
        job_queue.stop_queued(event.member_id, [delivery.JOB_KIND], UNINSTALLED)
        delivery.hold_portal(event.member_id, UNINSTALLED)
        deleted = portal_data.delete_all(event.member_id) if event.clean else {}
    log.info("portal %s: application uninstalled%s", event.member_id,
             f", its data deleted ({sum(deleted.values())} rows)" if event.clean else "")
    return "OK"


def _uninstall_believed(ctx, event: AppEvent) -> bool:
    facts = portals.facts(event.member_id)
    if facts is None:
        return False
    if ctx.cipher.same_fingerprint(event.application_token, facts.application_token):
        return True
    # No token to compare, or another one: believe the portal itself, asked with our own tokens at
    # the address we hold (never the event's), when it says they no longer work for the application.
    if not _still_installed.may_ask(event.member_id):
        return False
    try:
        client = portal_client.probe_client(ctx, event.member_id)
        if client is None:
            return False
        installed = events.app_installed(client)
    except BitrixError as error:
        log.warning("portal %s could not confirm an uninstall: %s", event.member_id, type(error).__name__)
        return False
    if installed:
        _still_installed.heard(event.member_id)
    return not installed


class _Answers:
    """When each portal last said the application is installed. Per process on purpose: each
    process asks a portal at most once per RECHECK_AFTER_SECONDS, which is bound enough."""

    def __init__(self):
        self._lock = threading.Lock()
        self._at: dict[str, float] = {}

    def may_ask(self, member_id: str) -> bool:
        with self._lock:
            heard = self._at.get(member_id)
            return heard is None or time.monotonic() - heard >= RECHECK_AFTER_SECONDS

    def heard(self, member_id: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._at = {key: at for key, at in self._at.items() if now - at < RECHECK_AFTER_SECONDS}
            self._at[member_id] = now


_still_installed = _Answers()


def installed(ctx, body) -> str:
    """ONAPPINSTALL: believed when our OAuth server renews the pair it carries for the same portal;
    then the renewed pair and the portal's application_token are kept."""
    event = _read(body, "ONAPPINSTALL")
    refresh_token = event.auth.get("refresh_token")
    if not isinstance(refresh_token, str) or not refresh_token:
        raise BadRequest("ONAPPINSTALL without auth[refresh_token]")
    facts = portals.facts(event.member_id)
    try:
        oauth = portal_client.oauth_client(ctx.settings, _server(ctx, event, facts))
        fresh = oauth.refresh(refresh_token)
    except BitrixError as error:
        if error.retryable:
            raise Unavailable("the Bitrix24 authorization server could not be asked: try again") from None
        log.warning("ONAPPINSTALL for portal %s not believed: %s", event.member_id, type(error).__name__)
        raise Unauthorized("event not believed: the authorization server refused its tokens") from None
    if fresh.member_id != event.member_id:
        log.warning("ONAPPINSTALL for portal %s carried another portal's tokens", event.member_id)
        raise Unauthorized("event not believed: its tokens belong to another portal")
    if not secure_endpoint(fresh.client_endpoint, ctx.settings.bitrix_allow_http):
        raise BadRequest("the portal's REST endpoint is not https")
    with transaction():
        portal_client.store_tokens(ctx, fresh, oauth.oauth_url)
        portals.set_application_token(event.member_id, ctx.cipher.fingerprint(event.application_token))
        if portals.is_connected(event.member_id):
            resume(ctx, event.member_id)
    log.info("portal %s: application installed", event.member_id)
    return "OK"


def _server(ctx, event: AppEvent, facts) -> str | None:
    """The OAuth server to check an install with: the portal's own, or for a portal never seen the
    one the event names, if it is on the list (else nothing is sent)."""
    if facts is not None:
        return facts.oauth_server
    server = portal_client.oauth_servers(ctx.settings).for_endpoint(event.auth.get("server_endpoint"))
    if server is None:
        raise Unauthorized("event not believed: its authorization server is not in BITRIX_OAUTH_SERVERS")
    return server
