"""The application's life on a portal: the install callback, binding ONAPPUNINSTALL, and uninstalls
believed or not, with the fake posting its events as Bitrix24 does (form-encoded, PHP-style keys).

The fake posts to an event sink on loopback; each recorded form is then sent to the service as is.
One test lets the fake post straight to a real server process.
"""
import dataclasses

import httpx
import pytest

from service import app_events
from service.context import Context
from storage import db, portals
from storage.models import Field, Job, Pipeline, PortalUser, Rule, Step
from tests.api.conftest import serving
from tests.api.test_connect import approve, callback, connect, request_connection
from tests.conftest import auth, make_token
from tests.service.delivery_cases import lead_rule, result
from worker.runner import Worker

SYNCED = (PortalUser, Step, Pipeline, Field)


@pytest.fixture
def events_settings(fake_settings, fake_bitrix, event_sink):
    # PUBLIC_URL on loopback: what the portal posts to the bound handler lands in the sink.
    return dataclasses.replace(fake_settings, bitrix_oauth_servers=tuple(fake_bitrix.oauth_urls),
                               public_url=event_sink.listener.url)


@pytest.fixture
def service(events_settings):
    from wsgi import create_app
    with create_app(events_settings).test_client() as client:
        yield client


@pytest.fixture
def worker(events_settings):
    return Worker(Context.build(events_settings), name="test-worker")


@pytest.fixture
def synced(service, worker, fake_portal):
    """account-1 connected to the fake portal through the OAuth flow, synced, with a lead rule."""
    connect(service, fake_portal)
    worker.drain()
    response = service.post("/bitrix/rules/7", json=lead_rule(fake_portal), headers=auth())
    assert response.status_code == 200, response.text
    return fake_portal


def uninstall(portal, service, clean=True):
    """The administrator removes the app; the portal's post, as the bound handler received it, goes
    to the service."""
    posts = portal.uninstall(clean=clean)
    assert len(posts) == 1 and posts[0].url.endswith("/webhook/uninstall")
    return service.post("/webhook/uninstall", data=posts[0].form)


def forge_uninstall(portal, service, **form):
    """An ONAPPUNINSTALL for the portal with an application_token nobody issued."""
    forged = {"event": "ONAPPUNINSTALL", "auth[member_id]": portal.member_id, "auth[application_token]": "0" * 32}
    return service.post("/webhook/uninstall", data={**forged, **form})


def install(portal, service, event_sink):
    post = portal.install(event_sink.url)
    return service.post("/webhook/install", data=post.form)


def account(service):
    return service.get("/bitrix/account", headers=auth()).json()


def rows(member_id):
    with db.connection():
        return {model.__name__: model.select().where(model.member_id == member_id).count()
                for model in (*SYNCED, Rule)}


def test_connecting_binds_the_uninstall_handler(synced, events_settings):
    assert [(bound["event"], bound["handler"]) for bound in synced.event_handlers] == [
        ("ONAPPUNINSTALL", events_settings.public_url + "/webhook/uninstall")]
    with db.connection():
        assert portals.facts(synced.member_id).event_handler == events_settings.public_url + "/webhook/uninstall"


def test_without_a_public_url_nothing_is_bound(fake_settings, fake_portal):
    from wsgi import create_app
    with create_app(fake_settings).test_client() as service:
        connect(service, fake_portal)
    Worker(Context.build(fake_settings), name="test-worker").drain()
    assert fake_portal.event_handlers == []
    with db.connection():
        assert not Job.select().where(Job.kind == "bind_events").exists()


def test_an_uninstall_with_the_stored_token_disconnects_the_portal(synced, service, worker, event_sink):
    assert install(synced, service, event_sink).status_code == 200
    kept = rows(synced.member_id)
    response = uninstall(synced, service, clean=False)
    assert response.status_code == 200, response.text
    body = account(service)
    assert body["stale"] is True and "uninstalled" in body["staleReason"]
    assert rows(synced.member_id) == kept  # without CLEAN the data stays

    posted = service.post("/bitrix/results", json=result(), headers=auth())
    assert posted.status_code == 202 and posted.json()["status"] == "held"
    synced.reset_stats()
    service.patch("/bitrix/users", headers=auth())
    worker.drain()
    assert synced.stats["requests"] == 0  # no job calls the portal
    assert service.get("/bitrix/results/r-1", headers=auth()).json()["status"] == "held"


def test_an_uninstall_with_clean_deletes_tokens_synced_rows_and_rules(synced, service, event_sink, fake_ctx):
    install(synced, service, event_sink)
    assert all(rows(synced.member_id).values())
    assert uninstall(synced, service, clean=True).status_code == 200
    assert not any(rows(synced.member_id).values())
    with db.connection():
        assert portals.load_tokens(fake_ctx.cipher, synced.member_id) is None
    assert service.get("/bitrix/rules/7", headers=auth()).status_code == 404
    assert account(service)["stale"] is True


@pytest.mark.parametrize("rest_error", ["APPLICATION_NOT_FOUND", "ERROR_OAUTH", "invalid_token"])
def test_an_uninstall_is_believed_when_the_portal_confirms_it(synced, service, rest_error):
    """No installation callback came (no stored token): the portal, asked with our own tokens, says
    they no longer work for the application."""
    synced.uninstalled_rest_error = rest_error
    assert uninstall(synced, service, clean=True).status_code == 200
    assert "uninstalled" in account(service)["staleReason"]
    assert not any(rows(synced.member_id).values())


def test_a_forged_uninstall_is_401_and_changes_nothing(synced, service, event_sink):
    install(synced, service, event_sink)
    kept = rows(synced.member_id)
    synced.reset_stats()
    response = forge_uninstall(synced, service, **{"data[CLEAN]": "1", "auth[client_endpoint]": "http://127.0.0.1:9/rest/"})
    assert response.status_code == 401 and isinstance(response.json(), str)
    assert synced.stats["by_method"].get("app.info") == 1  # the portal was asked, and said installed
    assert account(service)["stale"] is False and rows(synced.member_id) == kept


def test_forged_uninstalls_ask_the_portal_once_a_minute(synced, service, event_sink):
    # A flood of forged events must not spend the rate limit the portal's deliveries need.
    install(synced, service, event_sink)
    synced.reset_stats()
    assert [forge_uninstall(synced, service).status_code for _ in range(20)] == [401] * 20
    assert synced.stats["by_method"].get("app.info") == 1

    real = uninstall(synced, service, clean=False)  # carries the stored token: believed at once
    assert real.status_code == 200 and "uninstalled" in account(service)["staleReason"]


def test_after_a_minute_the_portal_is_asked_again(synced, service, event_sink, monkeypatch):
    install(synced, service, event_sink)
    synced.reset_stats()
    assert forge_uninstall(synced, service).status_code == 401
    monkeypatch.setattr(app_events, "RECHECK_AFTER_SECONDS", 0.0)
    assert forge_uninstall(synced, service).status_code == 401
    assert synced.stats["by_method"].get("app.info") == 2


def test_an_uninstall_of_a_portal_never_connected_is_401(service):
    form = {"event": "ONAPPUNINSTALL", "auth[member_id]": "f" * 32, "auth[application_token]": "a" * 32}
    assert service.post("/webhook/uninstall", data=form).status_code == 401


@pytest.mark.parametrize("form", [
    {"event": "ONAPPUNINSTALL", "auth[application_token]": "a" * 32},
    {"event": "ONAPPINSTALL", "auth[member_id]": "f" * 32, "auth[application_token]": "a" * 32},
    {"event": "ONAPPUNINSTALL", "auth[member_id]": "x" * 65, "auth[application_token]": "a"},
    {"auth[member_id]": "f" * 32, "auth[application_token]": "a"},
])
def test_a_malformed_event_is_400(service, form):
    response = service.post("/webhook/uninstall", data=form)
    assert response.status_code == 400 and isinstance(response.json(), str)


def test_unknown_keys_of_an_event_are_accepted(synced, service, event_sink):
    install(synced, service, event_sink)
    posts = synced.uninstall(clean=False)
    form = {**posts[0].form, "auth[issuer]": "request", "data[NEW_FIELD]": "x", "something_new": "1"}
    assert service.post("/webhook/uninstall", data=form).status_code == 200


def test_the_install_callback_is_believed_through_the_oauth_server(service, fake_bitrix, fake_portal, event_sink,
                                                                   fake_ctx):
    response = install(fake_portal, service, event_sink)
    assert response.status_code == 200, response.text
    with db.connection():
        facts = portals.facts(fake_portal.member_id)
        stored = portals.load_tokens(fake_ctx.cipher, fake_portal.member_id)
    assert facts.application_token and fake_portal.application_token not in facts.application_token
    assert fake_bitrix.tokens.lookup(stored.access_token) is not None  # the renewed pair, kept
    assert facts.oauth_server == fake_bitrix.oauth_url


def test_a_forged_install_is_401_and_stores_nothing(service, fake_bitrix, fake_portal, event_sink):
    other = fake_bitrix.add_portal(users=3, seed=2)
    genuine = fake_portal.install(event_sink.url).form
    with_bad_token = {**genuine, "auth[refresh_token]": "0" * 70}
    others_tokens = {**genuine, "auth[refresh_token]": other.issue_tokens()["refresh_token"]}
    for form in (with_bad_token, others_tokens):
        assert service.post("/webhook/install", data=form).status_code == 401
    with db.connection():
        assert portals.facts(fake_portal.member_id) is None


def test_reinstalling_resumes_the_portal(synced, service, worker, event_sink):
    install(synced, service, event_sink)
    uninstall(synced, service, clean=False)
    service.post("/bitrix/results", json=result(), headers=auth())
    assert install(synced, service, event_sink).status_code == 200
    worker.drain()
    assert account(service)["stale"] is False
    assert service.get("/bitrix/results/r-1", headers=auth()).json()["status"] == "delivered"
    assert [bound["event"] for bound in synced.event_handlers] == ["ONAPPUNINSTALL"]


def test_the_portal_posts_its_uninstall_to_a_real_server(fake_settings, fake_bitrix, fake_portal, tmp_path):
    live = dataclasses.replace(fake_settings, bitrix_oauth_servers=tuple(fake_bitrix.oauth_urls))
    with serving(live, tmp_path, public=True) as base_url:
        headers = {"Authorization": f"Bearer {make_token('account-1')}"}
        asked = httpx.post(base_url + "/bitrix/account", json={"client_bitrix_url": fake_portal.url},
                           headers=headers).json()
        done = httpx.get(base_url + "/webhook/create", params=approve(asked["authURL"]))
        assert done.status_code == 302
        Worker(Context.build(dataclasses.replace(live, public_url=base_url)), name="test-worker").drain()
        assert [bound["handler"] for bound in fake_portal.event_handlers] == [base_url + "/webhook/uninstall"]

        posts = fake_portal.uninstall(clean=True)
        assert [post.status for post in posts] == [200]
        body = httpx.get(base_url + "/bitrix/account", headers=headers).json()
        assert body["stale"] is True and "uninstalled" in body["staleReason"]


def test_a_state_for_the_callback_still_works_after_an_uninstall(synced, service):
    """Connecting again after an uninstall is the ordinary flow: the portal comes back."""
    uninstall(synced, service, clean=True)
    answer = request_connection(service, synced)
    assert callback(service, approve(answer["authURL"])).status_code == 302
    assert account(service)["stale"] is False
