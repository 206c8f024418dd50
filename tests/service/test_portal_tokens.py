"""A connected portal's tokens in use: expiry, refresh once across workers, refusal makes it stale."""
import threading

import pytest

from bitrix_client import InvalidGrant, TokenSet
from service import portal_client
from storage import db, portals


@pytest.fixture
def stored_portal(bound_portal, fake_ctx):
    return bound_portal, fake_ctx


def stored_access_token(ctx, member_id):
    with db.connection():
        return portals.load_tokens(ctx.cipher, member_id).access_token


def refreshes(fake_bitrix):
    return fake_bitrix.stats.get("token_refresh_token", 0)


def test_expired_token_is_refreshed_and_the_new_pair_stored(stored_portal, fake_bitrix):
    portal, ctx = stored_portal
    before = stored_access_token(ctx, portal.member_id)
    fake_bitrix.clock.advance(3700)
    with db.connection():
        client = portal_client.client_for(ctx, portal.member_id)
    with db.connection():
        assert client.call("user.current")["ID"]
    assert refreshes(fake_bitrix) == 1
    after = stored_access_token(ctx, portal.member_id)
    assert after != before and fake_bitrix.tokens.lookup(after) is not None


def test_concurrent_refreshes_spend_the_refresh_token_once(stored_portal, fake_bitrix):
    """Workers in other processes hold the same stale pair; the stored row's lock decides."""
    portal, ctx = stored_portal
    with db.connection():
        stale = portal_client.stored_tokens(ctx, portal.member_id)
    fake_bitrix.clock.advance(3700)
    oauth = portal_client.oauth_client(ctx.settings)
    results, errors = [], []
    start = threading.Barrier(6)

    def worker():
        try:
            with db.connection():
                start.wait()
                results.append(portal_client.refresh_stored(ctx, portal.member_id, stale, oauth))
        except Exception as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert refreshes(fake_bitrix) == 1
    assert len({tokens.access_token for tokens in results}) == 1


def test_refused_refresh_marks_the_portal_stale_until_reconnected(stored_portal, fake_bitrix, client):
    from tests.conftest import auth
    portal, ctx = stored_portal
    portal.revoke()
    fake_bitrix.clock.advance(3700)
    with db.connection():
        bitrix = portal_client.client_for(ctx, portal.member_id)
    with pytest.raises(InvalidGrant), db.connection():
        bitrix.call("user.current")
    account = client.get("/bitrix/account", headers=auth()).json()
    assert account["stale"] is True and "refresh refused" in account["staleReason"]
    with db.connection(), pytest.raises(portal_client.PortalUnusable):
        portal_client.client_for(ctx, portal.member_id)

    fresh = TokenSet.from_answer(portal.issue_tokens(), now=fake_bitrix.clock.now())
    with db.connection():
        portal_client.store_tokens(ctx, fresh)
    assert client.get("/bitrix/account", headers=auth()).json()["stale"] is False
