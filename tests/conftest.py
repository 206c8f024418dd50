"""Shared fixtures: a real test database (SQLite file or PostgreSQL), the context, the app, tokens.

PostgreSQL is used when TEST_DATABASE_URL (or, as the contract allows, DATABASE_URL) names one,
a temporary SQLite file otherwise. The setup drops every table of the database it is given, so it
refuses, before touching it, a database whose name does not say it is for tests.
"""
import dataclasses
import os
import re
import time
import uuid
from urllib.parse import urlsplit

import jwt
import pytest

from bitrix_client import TokenSet
from fake_bitrix import testing as fake_testing
from service import portal_client
from service.context import Context
from settings import Settings
from storage import db, schema
from storage.models import MODELS, Account, Portal

TEST_JWT_SECRET = "test-jwt-secret-of-at-least-64-bytes-for-every-hmac-algorithm-0123"
TEST_SECRET_KEY = "test-secret-key-of-at-least-32-bytes-long"
TEST_CLIENT_ID = fake_testing.CLIENT_ID
TEST_CLIENT_SECRET = fake_testing.CLIENT_SECRET
# The fake Bitrix24's fixtures: a started fake, one seeded portal on it, a sink for its events.
fake_bitrix = fake_testing.fake_bitrix
fake_portal = fake_testing.fake_portal
event_sink = fake_testing.event_sink
_TEST_DATABASE_NAME = re.compile(r"(^|[_-])test($|[_-])", re.IGNORECASE)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or ""
    if not url and (os.environ.get("DATABASE_URL") or "").startswith("postgres"):
        url = os.environ["DATABASE_URL"]
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if url.startswith("sqlite"):
        name = name.rsplit(".", 1)[0]
    if not _TEST_DATABASE_NAME.search(name):
        pytest.exit(f"TEST_DATABASE_URL names database {name!r}: the tests drop every table of it, so they "
                    "run only on a database whose name says it is for tests (test, test_x, x_test)", 2)
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    db.bind(url, pool_size=40)
    # A clean schema for the run, built by the migrations exactly as production builds it.
    schema.drop_everything()
    db.migrate()
    return url


def settings_for(database_url: str) -> Settings:
    """The tests' settings on `database_url` (for fixtures wider than one test; others use `settings`)."""
    return Settings(database_url=database_url, jwt_secret=TEST_JWT_SECRET, secret_key=TEST_SECRET_KEY,
                    run_worker=False, auto_migrate=False, db_pool_size=40,
                    bitrix_client_id=TEST_CLIENT_ID, bitrix_client_secret=TEST_CLIENT_SECRET,
                    bitrix_redirect_url="https://quiz.example/integrations",
                    # Nothing listens there: the OAuth server is "down" unless a test brings the fake.
                    bitrix_oauth_url="http://127.0.0.1:9")


@pytest.fixture
def settings(database_url) -> Settings:
    return settings_for(database_url)


@pytest.fixture(autouse=True)
def clean_tables(request):
    yield
    if "database_url" in request.fixturenames:
        with db.connection():
            for model in reversed(MODELS):
                model.delete().execute()


@pytest.fixture
def ctx(settings) -> Context:
    return Context.build(settings)


_apps = {}


@pytest.fixture
def app(ctx):
    # Building the app parses the spec; tests with equal settings share one (and its context).
    if ctx.settings not in _apps:
        from wsgi import create_app
        _apps[ctx.settings] = create_app(ctx=ctx)
    return _apps[ctx.settings]


@pytest.fixture
def client(app):
    with app.test_client() as test_client:
        yield test_client


# Settings of ours a test process may have in its environment: a server started for a test gets none of them.
_OURS = ("BITRIX_", "JWT_", "WORKER_", "LOG_", "MAX_", "PROMETHEUS_", "HEADER_TIMEOUT", "BODY_TIMEOUT", "PUBLIC_URL")


def service_environment(settings, **overrides) -> dict:
    """The environment of a service process (uvicorn, gunicorn, `python -m worker`) on these settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(_OURS)}
    env.update(DATABASE_URL=settings.database_url, JWT_SECRET=settings.jwt_secret, SECRET_KEY=settings.secret_key,
               BITRIX_CLIENT_ID=settings.bitrix_client_id, BITRIX_CLIENT_SECRET=settings.bitrix_client_secret,
               BITRIX_OAUTH_URL=settings.bitrix_oauth_url, RUN_WORKER="false", AUTO_MIGRATE="false",
               DB_POOL_SIZE="4", LOG_LEVEL="WARNING", APP_ENV="development")
    if settings.bitrix_oauth_servers:
        env["BITRIX_OAUTH_SERVERS"] = ",".join(settings.bitrix_oauth_servers)
    if settings.bitrix_allow_http:
        env["BITRIX_ALLOW_HTTP"] = "true"
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def make_token(account_id="account-1", secret=TEST_JWT_SECRET, algorithm="HS256", **claims) -> str:
    payload = {"sub": account_id, "exp": int(time.time()) + 300, **claims}
    if payload.get("sub") is None:
        del payload["sub"]
    return jwt.encode(payload, secret, algorithm=algorithm)


def auth(account_id="account-1", **claims) -> dict:
    return {"Authorization": f"Bearer {make_token(account_id, **claims)}"}


@pytest.fixture
def connected(database_url):
    """Factory: a platform account bound to a portal; returns the portal's member_id."""
    def connect(account_id="account-1", member_id=None):
        member_id = member_id or uuid.uuid4().hex
        with db.connection():
            Portal.get_or_create(member_id=member_id, defaults={
                "domain": f"{member_id[:8]}.bitrix24.ru",
                "client_endpoint": f"https://{member_id[:8]}.bitrix24.ru/rest/"})
            Account.create(account_id=account_id, portal_url=f"https://{member_id[:8]}.bitrix24.ru",
                           member_id=member_id, subdomain=member_id[:8])
        return member_id
    return connect


@pytest.fixture
def fake_settings(settings, fake_bitrix):
    """Settings pointing at the fake Bitrix24: http allowed, fast retries and timeouts."""
    return dataclasses.replace(settings, bitrix_oauth_url=fake_bitrix.oauth_url, bitrix_allow_http=True,
                               job_retry_base_seconds=0.0, bitrix_timeout_seconds=1.0)


@pytest.fixture
def fake_ctx(fake_settings) -> Context:
    return Context.build(fake_settings)


@pytest.fixture
def worker(fake_ctx):
    from worker.runner import Worker
    return Worker(fake_ctx, name="test-worker")


@pytest.fixture
def bound_portal(fake_ctx, fake_bitrix, fake_portal, connected):
    """The fake portal with real tokens stored, bound to account-1, nothing synced yet."""
    tokens = TokenSet.from_answer(fake_portal.issue_tokens(), now=fake_bitrix.clock.now())
    with db.connection():
        portal_client.store_tokens(fake_ctx, tokens)
    connected("account-1", member_id=fake_portal.member_id)
    fake_portal.set_limits(bucket=50, drain=50.0)
    return fake_portal
