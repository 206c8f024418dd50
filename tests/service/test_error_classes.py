"""What the worker does with each class of Bitrix24 error (the README's table), against the fake:
a spent operating budget and a blocked portal wait without spending attempts or sleeping; a
dismissed user and an unpaid portal make it stale with a reason a person can act on.
"""
import time
from datetime import timedelta

from bitrix_client import PortalMoved
from service import sync
from storage import db
from storage.columns import utcnow
from storage.models import Delivery, Job
from tests.conftest import auth
from tests.service.delivery_cases import lead_rule, result, setup_rule
from worker.kinds import Kind
from worker.runner import Worker


def jobs(member_id, kind):
    with db.connection():
        return list(Job.select().where(Job.member_id == member_id, Job.kind == kind).order_by(Job.id))


def delivery_row(result_id="r-1"):
    with db.connection():
        return Delivery.get(Delivery.result_id == result_id)


def seconds_from_now(moment) -> float:
    return (moment - utcnow()).total_seconds()


def test_a_spent_operating_budget_puts_the_job_back_for_the_reset_time(portal, worker):
    portal.operating.spend("user.get", 500.0)
    with db.connection():
        sync.queue(portal.member_id, ["users"])
    started = time.monotonic()
    assert worker.drain() == 1
    assert time.monotonic() - started < 5  # nobody slept until the reset
    job = jobs(portal.member_id, "sync_users")[-1]
    assert (job.state, job.attempts) == ("queued", 0) and "OPERATION_TIME_LIMIT" in job.last_error
    assert 30 < seconds_from_now(job.run_after) <= 601

    # Run again before the reset: the client refuses ahead, nothing reaches the portal.
    with db.connection():
        Job.update(run_after=utcnow()).where(Job.id == job.id).execute()
    portal.reset_stats()
    worker.drain()
    job = jobs(portal.member_id, "sync_users")[-1]
    assert portal.stats["by_method"].get("user.get", 0) == 0
    assert (job.state, job.attempts) == ("queued", 0)


def test_a_spent_budget_of_a_write_postpones_the_result_without_an_attempt(portal, worker, client):
    setup_rule(client, lead_rule(portal))
    portal.operating.spend("crm.lead.add", 500.0)
    client.post("/bitrix/results", json=result(), headers=auth())
    worker.drain()
    record = client.get("/bitrix/results/r-1", headers=auth()).json()
    assert (record["status"], record["attempts"]) == ("queued", 0), record
    assert "OPERATION_TIME_LIMIT" in record["lastError"] and portal.data.entities["lead"] == {}
    due = delivery_row().next_attempt_at
    assert seconds_from_now(due) > 30
    follow_up = [job for job in jobs(portal.member_id, "deliver") if job.state == "queued"]
    assert len(follow_up) == 1 and abs((follow_up[0].run_after - due).total_seconds()) < 1


def test_a_dismissed_user_makes_the_portal_stale_with_what_to_do(portal, worker, client):
    portal.dismiss_user(1)
    client.patch("/bitrix/users", headers=auth())
    worker.drain()
    account = client.get("/bitrix/account", headers=auth()).json()
    assert account["stale"] is True and "active administrator" in account["staleReason"]
    assert jobs(portal.member_id, "sync_users")[-1].state == "failed"  # not retried endlessly


def test_an_unpaid_portal_is_stale_with_the_reason(portal, worker, client):
    portal.set_state("unpaid")
    client.patch("/bitrix/steps", headers=auth())
    worker.drain()
    account = client.get("/bitrix/account", headers=auth()).json()
    assert account["stale"] is True and "PAYMENT_REQUIRED" in account["staleReason"]


def test_an_overloaded_portal_holds_deliveries_without_spending_attempts(portal, worker, client, fake_settings):
    setup_rule(client, lead_rule(portal))
    portal.set_state("overloaded")
    for n in (1, 2):
        client.post("/bitrix/results", json=result(f"r-{n}"), headers=auth())
    worker.drain()
    for n in (1, 2):
        record = client.get(f"/bitrix/results/r-{n}", headers=auth()).json()
        assert (record["status"], record["attempts"]) == ("held", 0), record
        assert "OVERLOAD_LIMIT" in record["lastError"] or "support" in record["lastError"]
    job = jobs(portal.member_id, "deliver")[-1]
    assert (job.state, job.attempts) == ("queued", 0)
    assert abs(seconds_from_now(job.run_after) - fake_settings.bitrix_overload_retry_seconds) < 60

    portal.set_state("active")  # support lifted the block; the job comes back at its time
    with db.connection():
        Job.update(run_after=utcnow()).where(Job.id == job.id).execute()
    worker.drain()
    for n in (1, 2):
        record = client.get(f"/bitrix/results/r-{n}", headers=auth()).json()
        assert (record["status"], record["attempts"]) == ("delivered", 1), record


def test_an_overloaded_portal_postpones_its_syncs(portal, worker, client):
    portal.set_state("overloaded")
    client.patch("/bitrix/fields", headers=auth())
    worker.drain()
    job = jobs(portal.member_id, "sync_fields")[-1]
    assert (job.state, job.attempts) == ("queued", 0)
    assert client.get("/bitrix/account", headers=auth()).json()["stale"] is False


def test_a_portal_whose_new_address_is_not_known_yet_never_fails_a_job(fake_ctx, connected):
    """The refresh brought the old address again (PortalMoved): the job waits, however often."""
    def moved(ctx, job):
        raise PortalMoved("", "portal address changed", 302, "user.get", location="https://new.example/")

    member_id = connected()
    worker = Worker(fake_ctx, kinds={"moving": Kind(moved)}, name="test-worker")
    with db.connection():
        Job.create(member_id=member_id, kind="moving")
    for _ in range(fake_ctx.settings.job_max_attempts + 2):
        assert worker.drain() == 1
        job = jobs(member_id, "moving")[-1]
        assert (job.state, job.attempts) == ("queued", 0)
        assert timedelta(seconds=30) < job.run_after - utcnow() <= timedelta(seconds=61)
        with db.connection():
            Job.update(run_after=utcnow()).where(Job.id == job.id).execute()
