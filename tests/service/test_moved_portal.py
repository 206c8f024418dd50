"""A portal that changed its address (the old one answers 302): syncs and deliveries carry on at the
new address, which the service keeps for the portal and its accounts."""
from service import sync
from storage import db, portals
from storage.models import Account, Job
from tests.conftest import auth
from tests.service.delivery_cases import deal_rule, result, setup_rule


def bound_at(portal):
    """The account bound where the portal is now, as the OAuth flow would have left it."""
    with db.connection():
        Account.update(portal_url=portal.url).where(Account.member_id == portal.member_id).execute()


def bound_account(member_id):
    with db.connection():
        return Account.get(Account.member_id == member_id)


def stored_endpoint(ctx, member_id):
    with db.connection():
        return portals.load_tokens(ctx.cipher, member_id).client_endpoint


def test_a_sync_of_a_moved_portal_follows_it(bound_portal, worker, fake_ctx):
    bound_at(bound_portal)
    old_url = bound_portal.move()
    assert bound_portal.url != old_url and bound_account(bound_portal.member_id).portal_url == old_url
    with db.connection():
        sync.queue(bound_portal.member_id)
    worker.drain()
    with db.connection():
        states = {job.kind: (job.state, job.attempts) for job in
                  Job.select().where(Job.member_id == bound_portal.member_id)}
    assert set(states.values()) == {("done", 1)}, states
    assert stored_endpoint(fake_ctx, bound_portal.member_id) == bound_portal.client_endpoint
    assert bound_account(bound_portal.member_id).portal_url == bound_portal.url
    assert bound_portal.stats["redirected"] >= 1


def test_a_delivery_into_a_moved_portal_is_made_once(bound_portal, worker, client, fake_ctx):
    with db.connection():
        sync.queue(bound_portal.member_id)
    worker.drain()
    setup_rule(client, deal_rule(bound_portal))
    bound_at(bound_portal)
    bound_portal.move(status=301)
    client.post("/bitrix/results", json=result(), headers=auth())
    worker.drain()
    record = client.get("/bitrix/results/r-1", headers=auth()).json()
    assert (record["status"], record["attempts"]) == ("delivered", 1), record
    assert len(bound_portal.data.entities["deal"]) == 1 and len(bound_portal.data.entities["contact"]) == 1
    assert stored_endpoint(fake_ctx, bound_portal.member_id) == bound_portal.client_endpoint
    assert bound_account(bound_portal.member_id).portal_url == bound_portal.url
