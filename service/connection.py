"""Connecting a platform account to its portal through the OAuth flow of the Bitrix24 app."""
import logging
from urllib.parse import urlencode, urlsplit

from bitrix_client import BitrixError
from errors import BadRequest, Unavailable
from service import delivery, sync
from service.oauth_state import StateSigner
from service.portal_client import oauth_client, store_tokens
from service.portal_url import normalise, subdomain
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


def complete(ctx, code: str, state: str, member_id: str) -> str:
    """Finish the flow for a callback; returns where to send the browser.

    A state that does not verify is the caller's error (BadRequest, nothing bound). Anything
    that goes wrong after it (the OAuth server refuses the code or is down) still sends the
    browser back, with an error flag, so the person sees what happened.
    """
    settings = ctx.settings
    pending = StateSigner(settings.secret_key).consume(state)
    account = accounts.live(pending.account_id)
    if account is None:
        raise BadRequest("the connection request was cancelled")
    try:
        tokens = oauth_client(settings).exchange_code(code)
    except (BitrixError, Unavailable) as error:
        log.warning("code exchange failed for account %s: %s", account.id, type(error).__name__)
        return _redirect(settings, "exchange_failed")
    problem = _token_problem(tokens, member_id, settings)
    if problem:
        log.warning("refusing token answer for account %s: %s", account.id, problem)
        return _redirect(settings, problem)
    endpoint = urlsplit(tokens.client_endpoint)
    portal_url = f"{endpoint.scheme}://{endpoint.netloc}"
    with transaction():
        store_tokens(ctx, tokens)
        accounts.bind(account.id, tokens.member_id, portal_url, subdomain(portal_url))
        # The first sync, and deliveries held while the portal was unusable, go out now.
        sync.queue(tokens.member_id)
        job_queue.release_held(tokens.member_id)
        delivery.release(tokens.member_id)
    log.info("account %s connected to portal %s", account.id, tokens.member_id)
    return _redirect(settings, None)


def _token_problem(tokens, member_id: str, settings: Settings) -> str | None:
    if tokens.member_id != member_id:
        return "portal_mismatch"
    scheme = urlsplit(tokens.client_endpoint).scheme
    if scheme != "https" and not (settings.bitrix_allow_http and scheme == "http"):
        return "insecure_endpoint"
    return None


def _redirect(settings: Settings, error: str | None) -> str:
    url = settings.bitrix_redirect_url
    if error is None:
        return url
    return url + ("&" if "?" in url else "?") + urlencode({"bitrix_error": error})
