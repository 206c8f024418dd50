"""Syncing a connected portal's dictionaries from the fake Bitrix24 through the job queue."""
import dataclasses

import pytest

from service import sync
from service.context import Context
from service.sync.field_types import spec_type
from storage import db, job_queue
from storage.models import Field, Job, Pipeline, PortalUser, Step
from tests.conftest import auth
from worker.runner import Worker


@pytest.fixture
def portal(bound_portal):
    return bound_portal


def sync_all(member_id, worker):
    with db.connection():
        sync.queue(member_id)
    worker.drain()


def live(model, member_id):
    with db.connection():
        return list(model.select().where(model.member_id == member_id, model.deleted == False)  # noqa: E712
                    .order_by(model.id))


def job_states(member_id):
    with db.connection():
        return {job.kind: (job.state, job.last_error) for job in
                Job.select().where(Job.member_id == member_id).order_by(Job.id)}


def expected_fields(fake_portal):
    return {str(field["ID"]) for fields in fake_portal.data.userfields.values() for field in fields
            if spec_type(field["USER_TYPE_ID"])}


def test_first_sync_copies_every_list(portal, worker, client):
    sync_all(portal.member_id, worker)
    data = portal.data
    active = [u for u in data.users if u.get("ACTIVE") is True]
    users = live(PortalUser, portal.member_id)
    assert [u.bitrix_id for u in users] == [u["ID"] for u in active]
    first = next(u for u in users if u.bitrix_id == active[0]["ID"])
    assert (first.name, first.last_name) == (active[0]["NAME"], active[0]["LAST_NAME"])

    steps = live(Step, portal.member_id)
    assert {s.bitrix_id for s in steps} == {str(s["ID"]) for s in data.statuses}
    stage = next(s for s in steps if s.entity_id.startswith("DEAL_STAGE_"))
    assert stage.pipeline_id == int(stage.entity_id.rsplit("_", 1)[1]) and stage.color.startswith("#")

    pipelines = live(Pipeline, portal.member_id)
    expected = {(t, c["id"]) for t, cats in data.categories.items() for c in cats if t in (2, 3, 4, 31)}
    assert {(p.entity_type_id, p.bitrix_id) for p in pipelines} == expected

    fields = live(Field, portal.member_id)
    assert {f.bitrix_id for f in fields} == expected_fields(portal)
    assert {f.field_type for f in fields} >= {"string", "enumeration", "datetime", "crm_pena_tag", "money"}
    enum = next(f for f in fields if f.field_type == "enumeration")
    assert enum.items and {"id", "value"} <= set(enum.items[0])
    assert all(state == "done" for state, _ in job_states(portal.member_id).values())

    listed = client.get("/bitrix/users?size=100", headers=auth()).json()
    assert listed["count"] == len(active)


def test_sync_costs_few_requests(portal, worker):
    portal.reset_stats()
    sync_all(portal.member_id, worker)
    # users, statuses (2 pages: one call and one batch), pipelines batch, fields batch, +1 for slack
    assert portal.stats["requests"] <= 6


def test_reconcile_inserts_updates_deletes_and_restores(portal, worker):
    sync_all(portal.member_id, worker)
    before = {u.bitrix_id: u for u in live(PortalUser, portal.member_id)}
    users = [u for u in portal.data.users if u.get("ACTIVE") is True]
    changed, fired = users[0], users[1]
    changed["LAST_NAME"] = "Переименованный"
    fired["ACTIVE"] = False
    newcomer = {**users[2], "ID": str(int(portal.data.users[-1]["ID"]) + 1), "NAME": "Новенький"}
    portal.data.users.append(newcomer)
    sync_all(portal.member_id, worker)

    after = {u.bitrix_id: u for u in live(PortalUser, portal.member_id)}
    assert after[changed["ID"]].last_name == "Переименованный"
    assert after[changed["ID"]].created_at == before[changed["ID"]].created_at
    assert fired["ID"] not in after and newcomer["ID"] in after

    fired["ACTIVE"] = True
    sync_all(portal.member_id, worker)
    restored = {u.bitrix_id: u for u in live(PortalUser, portal.member_id)}[fired["ID"]]
    assert restored.id == before[fired["ID"]].id and restored.created_at == before[fired["ID"]].created_at


def test_awkward_text_arrives_as_written(portal, worker):
    # PostgreSQL's first sync writes with COPY as CSV (storage/reconcile.py): quotes, separators,
    # line breaks, backslashes and empty text must come out as Bitrix24 sent them, never as NULL.
    users = [u for u in portal.data.users if u.get("ACTIVE") is True]
    awkward = {"NAME": 'О\'Нил, "Джо"\nмл.', "LAST_NAME": "", "SECOND_NAME": "C:\\путь\\N", "WORK_POSITION": "\\N"}
    users[0].update(awkward)
    sync_all(portal.member_id, worker)

    stored = {u.bitrix_id: u for u in live(PortalUser, portal.member_id)}[users[0]["ID"]]
    assert (stored.name, stored.last_name, stored.second_name, stored.work_position) == tuple(awkward.values())
    general = [s for s in live(Step, portal.member_id) if s.entity_id == "STATUS"]
    assert general and all(s.pipeline_id is None for s in general)

    # Changed rows are written in bulk too (a temporary table on PostgreSQL).
    changed = {"NAME": "", "LAST_NAME": 'таб\tи "кавычки"', "SECOND_NAME": "\\N", "WORK_POSITION": "a,b\r\nc"}
    users[0].update(changed)
    status = next(s for s in portal.data.statuses if s["ENTITY_ID"] == "STATUS")
    status["NAME"] = "Новый, \"статус\""
    sync_all(portal.member_id, worker)

    again = {u.bitrix_id: u for u in live(PortalUser, portal.member_id)}[users[0]["ID"]]
    assert (again.name, again.last_name, again.second_name, again.work_position) == tuple(changed.values())
    assert again.id == stored.id and again.created_at == stored.created_at and again.updated_at > stored.updated_at
    step = next(s for s in live(Step, portal.member_id) if s.bitrix_id == str(status["ID"]))
    assert step.name == 'Новый, "статус"' and step.pipeline_id is None


def test_second_sync_without_change_writes_nothing(portal, worker):
    sync_all(portal.member_id, worker)
    stamps = {model: [r.updated_at for r in live(model, portal.member_id)]
              for model in (PortalUser, Step, Pipeline, Field)}
    sync_all(portal.member_id, worker)
    for model, before in stamps.items():
        assert [r.updated_at for r in live(model, portal.member_id)] == before, model.__name__


def test_portal_error_mid_sync_keeps_data_and_retries(portal, worker):
    sync_all(portal.member_id, worker)
    before = [u.bitrix_id for u in live(PortalUser, portal.member_id)]
    portal.data.users[0]["LAST_NAME"] = "Новая"
    portal.fail("user.get", times=3, status=500, error="INTERNAL_SERVER_ERROR")
    with db.connection():
        sync.queue(portal.member_id, ["users"])
    assert worker.run_once()
    with db.connection():
        job = job_queue.latest(portal.member_id, "sync_users")
    assert job.state == "queued" and "ServerError" in job.last_error
    assert [u.bitrix_id for u in live(PortalUser, portal.member_id)] == before
    worker.drain()
    assert job_states(portal.member_id)["sync_users"][0] == "done"


def test_timeouts_and_rate_limits_mid_sync_are_waited_out(portal, worker):
    portal.fail("crm.status.list", times=1, status=None, delay=2.0)
    portal.set_limits(bucket=3, drain=20.0)
    sync_all(portal.member_id, worker)
    assert all(state == "done" for state, _ in job_states(portal.member_id).values())
    assert len(live(Step, portal.member_id)) == len(portal.data.statuses)


def test_token_expiring_before_the_sync_is_refreshed(portal, worker, fake_bitrix):
    fake_bitrix.clock.advance(3700)
    sync_all(portal.member_id, worker)
    assert fake_bitrix.stats["token_refresh_token"] == 1
    assert all(state == "done" for state, _ in job_states(portal.member_id).values())


def test_revoked_app_makes_the_portal_stale_and_stops_syncs(portal, worker, fake_bitrix, client):
    portal.revoke()
    fake_bitrix.clock.advance(3700)
    sync_all(portal.member_id, worker)
    states = job_states(portal.member_id)
    assert {state for state, _ in states.values()} == {"failed"}
    account = client.get("/bitrix/account", headers=auth()).json()
    assert account["stale"] is True
    response = client.patch("/bitrix/users", headers=auth())
    assert response.status_code == 409


def test_patch_queues_once_and_answers_at_once(portal, client):
    for _ in range(3):
        response = client.patch("/bitrix/fields", headers=auth())
        assert response.status_code == 200 and response.json() == {"list": "fields", "status": "queued"}
    with db.connection():
        assert Job.select().where(Job.kind == "sync_fields", Job.state == "queued").count() == 1


def test_job_of_a_dead_worker_is_taken_over(portal, fake_ctx):
    with db.connection():
        sync.queue(portal.member_id, ["pipelines"])
        job_queue.claim("dead-worker", lease_seconds=-1)
        assert job_queue.reap_expired(max_attempts=8) == 1
    Worker(fake_ctx, name="survivor").drain()
    with db.connection():
        job = job_queue.latest(portal.member_id, "sync_pipelines")
    assert job.state == "done" and job.attempts == 2
    assert live(Pipeline, portal.member_id)


def test_failed_sync_is_retried_a_bounded_number_of_times(portal, fake_settings):
    ctx = Context.build(dataclasses.replace(fake_settings, job_max_attempts=2))
    portal.fail("batch", times=None, status=500, error="INTERNAL_SERVER_ERROR")
    with db.connection():
        sync.queue(portal.member_id, ["fields"])
    Worker(ctx).drain()
    with db.connection():
        job = job_queue.latest(portal.member_id, "sync_fields")
    assert job.state == "failed" and "gave up after 2 attempts" in job.last_error


def test_a_stage_deleted_in_the_portal_shows_in_the_rule(portal, worker, client):
    sync_all(portal.member_id, worker)
    stage = next(s for s in portal.data.statuses if s["ENTITY_ID"] == "DEAL_STAGE")
    source = next(s for s in portal.data.statuses if s["ENTITY_ID"] == "SOURCE")
    deal_type = next(s for s in portal.data.statuses if s["ENTITY_ID"] == "DEAL_TYPE")
    user = next(u for u in portal.data.users if u.get("ACTIVE") is True)
    rule = {"PerformerID": user["ID"], "PipelineID": 0, "StageID": stage["STATUS_ID"],
            "TypeID": deal_type["STATUS_ID"], "SourceID": source["STATUS_ID"], "StatusID": "",
            "LeadFlag": False, "FieldsRule": {}, "TagsToAdd": {}}
    assert client.post("/bitrix/rules/5", json=rule, headers=auth()).status_code == 200
    portal.data.statuses.remove(stage)
    sync_all(portal.member_id, worker)
    problems = client.get("/bitrix/rules/5", headers=auth()).json()["problems"]
    assert problems == [f"StageID: {stage['STATUS_ID']!r} is not a stage of pipeline 0"]
