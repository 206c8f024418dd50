"""Tokens that live 2 seconds, as a new user once tried: they keep working across refreshes, a token
the portal rejected is never sent again, and a refused refresh makes the portal stale within one job."""
import pytest

from service import sync
from storage import db, portals
from storage.models import Job
from tests.conftest import auth


@pytest.fixture
def two_second_tokens(fake_portal):
    fake_portal.token_lifetime = 2


@pytest.fixture
def short_lived(two_second_tokens, bound_portal):
    """The fake portal bound to account-1 with a pair whose access token lives 2 seconds."""
    return bound_portal


def job_states(member_id):
    with db.connection():
        return [(job.kind, job.state) for job in Job.select().where(Job.member_id == member_id).order_by(Job.id)]


def test_short_lived_tokens_keep_working(short_lived, worker, fake_bitrix):
    for _ in range(3):
        fake_bitrix.clock.advance(3)  # the pair in hand has expired before each round of syncs
        with db.connection():
            sync.queue(short_lived.member_id)
        worker.drain()
    assert {state for _, state in job_states(short_lived.member_id)} == {"done"}
    assert len(job_states(short_lived.member_id)) == 12
    assert fake_bitrix.stats["token_refresh_token"] >= 3
    assert short_lived.stats["errors"].get("invalid_token", 0) == 0  # no rejected token was sent again


@pytest.mark.parametrize("how", ["spent elsewhere", "app revoked"])
def test_a_refused_refresh_makes_the_portal_stale_within_one_job(short_lived, worker, fake_bitrix, fake_ctx,
                                                                 client, how):
    with db.connection():
        stored = portals.load_tokens(fake_ctx.cipher, short_lived.member_id)
        sync.queue(short_lived.member_id)
    if how == "spent elsewhere":
        fake_bitrix.tokens.refresh(stored.refresh_token)  # its refresh token is dead now
    else:
        short_lived.revoke()
    fake_bitrix.clock.advance(3)
    assert worker.run_once()  # one job
    account = client.get("/bitrix/account", headers=auth()).json()
    assert account["stale"] is True and "refresh refused" in account["staleReason"]
    states = job_states(short_lived.member_id)
    assert all(state == "failed" for _, state in states), states  # the others were cancelled with it
    assert not worker.run_once()
