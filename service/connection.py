"""Connecting a platform account to its portal through the OAuth flow of the Bitrix24 app."""
import logging
from urllib.parse import urlencode

from bitrix_client import BitrixError, UnknownOAuthServer
from errors import BadRequest, Unavailable
from service import delivery, event_binding, sync
from service.oauth_state import StateSigner
from service.portal_client import oauth_client, store_tokens
from service.portal_url import normalise, origin, same_portal, secure_endpoint, subdomain
from settings import Settings
from storage import accounts, job_queue
from storage.db import transaction

log = logging.getLogger(__name__)


def start(ctx, account_id: str, url: str) -> dict:
    """Open (or re-open) the account's connection; the answer carries the portal's authorize URL."""
    settings = ctx.settings
    oauth = oauth_client(settings)
    portal_url = normalise(url, settings.bitrix_allow_http)
    with transaction():
        accounts.open_connection(account_id, portal_url)
        state = StateSigner(settings.secret_key).issue(account_id, portal_url)
    answer = accounts.describe(account_id)
    answer["authURL"] = oauth.authorize_url(portal_url, state)
    return answer


def complete(ctx, code: str, state: str, member_id: str, domain: str, server_domain: str) -> str:
    """Finish the flow for a callback; returns where to send the browser.

    A state that does not verify is the caller's error (BadRequest, nothing bound). Anything
    that goes wrong after it still sends the browser back, with an error flag, so the person sees
    what happened. The state is used up only by the callback that binds: a callback for another
    portal, or one naming an OAuth server off the list, spends neither the state nor the code.
    """
    settings = ctx.settings
    signer = StateSigner(settings.secret_key)
    pending = signer.pending(state)
    account = accounts.live(pending.account_id)
    if account is None:
        raise BadRequest("the connection request was cancelled")
    if not same_portal(pending.portal_url, domain):
        return _refused(settings, account.id, "portal_mismatch", "the callback is from another portal")
    try:
        oauth = oauth_client(settings, server_domain)
        tokens = oauth.exchange_code(code)
    except UnknownOAuthServer:
        return _refused(settings, account.id, "unknown_oauth_server", "server_domain is not in BITRIX_OAUTH_SERVERS")
    except (BitrixError, Unavailable) as error:
        return _refused(settings, account.id, "exchange_failed", f"code exchange failed: {type(error).__name__}")
    problem = _token_problem(tokens, member_id, pending.portal_url, settings)
    if problem:
        return _refused(settings, account.id, problem, "the token answer does not fit the request")
    with transaction():
        signer.consume(state)  # a second callback racing with this one finds it used: 400, nothing stored
        store_tokens(ctx, tokens, oauth.oauth_url)
        portal_url = origin(tokens.client_endpoint)
        accounts.bind(account.id, tokens.member_id, portal_url, subdomain(portal_url))
        resume(ctx, tokens.member_id)
    log.info("account %s connected to portal %s", account.id, tokens.member_id)
    return _redirect(settings, None)


def resume(ctx, member_id: str) -> None:
    """The portal works again (connected, or the application installed again): the first sync,
    and the work held while it was unusable, go out now; its event handler is bound."""
    sync.queue(member_id)
    job_queue.release_held(member_id)
    delivery.release(member_id)
    event_binding.queue(ctx, member_id)


def _token_problem(tokens, member_id: str, portal_url: str, settings: Settings) -> str | None:
    # The account asked for `portal_url`: the token answer's portal must be that one.
    if tokens.member_id != member_id or not same_portal(portal_url, tokens.client_endpoint):
        return "portal_mismatch"
    if not secure_endpoint(tokens.client_endpoint, settings.bitrix_allow_http):
        return "insecure_endpoint"
    return None


def _refused(settings: Settings, account_id: int, error: str, why: str) -> str:
    log.warning("connection of account %s refused: %s (%s)", account_id, error, why)
    return _redirect(settings, error)


def _redirect(settings: Settings, error: str | None) -> str:
    url = settings.bitrix_redirect_url
    if error is None:
        return url
    return url + ("&" if "?" in url else "?") + urlencode({"bitrix_error": error})
