"""A connected portal's tokens in use: expiry, refresh once across workers, refusal makes it stale."""
import threading

import pytest

from bitrix_client import InvalidGrant, TokenSet
from integration import portal_client, runtime
from storage import db, portals
from storage.models import Portal


@pytest.fixture
def stored_portal(bound_portal, fake_settings):
    return bound_portal, fake_settings


def stored_access_token(member_id):
    with db.database.connection_context():
        return Portal.get(Portal.member_id == member_id).access_token


def refreshes(fake_bitrix):
    return fake_bitrix.stats.get("token_refresh_token", 0)


def test_expired_token_is_refreshed_and_the_new_pair_stored(stored_portal, fake_bitrix):
    portal, settings = stored_portal
    before = stored_access_token(portal.member_id)
    fake_bitrix.clock.advance(3700)
    with db.database.connection_context():
        client = portal_client.client_for(portal.member_id, settings)
    with db.database.connection_context():
        assert client.call("user.current")["ID"]
    assert refreshes(fake_bitrix) == 1
    after = stored_access_token(portal.member_id)
    assert after != before and fake_bitrix.tokens.lookup(after) is not None


def test_concurrent_refreshes_spend_the_refresh_token_once(stored_portal, fake_bitrix):
    """Workers in other processes hold the same stale pair; the stored row's lock decides."""
    portal, settings = stored_portal
    with db.database.connection_context():
        stale = portals.load_tokens(portal.member_id)
    fake_bitrix.clock.advance(3700)
    oauth = portal_client.oauth_client(settings)
    results, errors = [], []
    start = threading.Barrier(6)

    def worker():
        try:
            with db.database.connection_context():
                start.wait()
                results.append(portal_client.refresh_stored(portal.member_id, stale, oauth))
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
    portal, settings = stored_portal
    runtime.configure(settings)
    portal.revoke()
    fake_bitrix.clock.advance(3700)
    with db.database.connection_context():
        bitrix = portal_client.client_for(portal.member_id, settings)
    with pytest.raises(InvalidGrant), db.database.connection_context():
        bitrix.call("user.current")
    account = client.get("/bitrix/account", headers=auth()).json()
    assert account["stale"] is True and "refresh refused" in account["staleReason"]
    with db.database.connection_context(), pytest.raises(portal_client.PortalUnusable):
        portal_client.client_for(portal.member_id, settings)

    fresh = TokenSet.from_answer(portal.issue_tokens(), now=fake_bitrix.clock.now())
    with db.database.connection_context():
        portals.save_tokens(fresh, portals.domain_of(fresh))
    assert client.get("/bitrix/account", headers=auth()).json()["stale"] is False
