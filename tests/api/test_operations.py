"""What operators rely on: health endpoints, metrics, request ids, start-up checks, clean logs."""
import json
import logging

import pytest

from observability.logs import JsonFormatter
from settings import Settings
from storage import db, job_queue
from tests.conftest import TEST_JWT_SECRET, TEST_SECRET_KEY, auth


def test_liveness_and_readiness_need_no_token(client):
    assert client.get("/health/live").json() == "OK"
    assert client.get("/health/ready").json() == "OK"


def test_metrics_show_requests_and_queues(client, connected):
    member_id = connected()
    client.get("/bitrix/users", headers=auth())
    with db.connection():
        job_queue.enqueue(member_id, "sync_users")
    page = client.get("/metrics")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
    assert 'http_request_duration_seconds_count{operation="listUsers",status="200"}' in page.text
    assert 'jobs_queued{kind="sync_users"} 1.0' in page.text
    assert "portals_stale 0.0" in page.text


def test_request_id_is_kept_or_made(client):
    given = client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/health/live", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces" and len(made.headers["x-request-id"]) == 32


def test_access_line_names_operation_status_and_account(client, connected, caplog):
    connected()
    with caplog.at_level(logging.INFO, logger="access"):
        client.get("/bitrix/users?page=1", headers={**auth(), "X-Request-ID": "req-7"})
    line = next(r for r in caplog.records if r.name == "access")
    assert line.fields["operation"] == "listUsers" and line.fields["status"] == 200
    assert line.fields["account"] == "account-1" and "?" not in line.fields["path"]


def test_json_log_lines_carry_fields_and_request_id():
    record = logging.LogRecord("access", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.fields, record.request_id = {"status": 200}, "req-1"
    line = json.loads(JsonFormatter().format(record))
    assert line["status"] == 200 and line["request_id"] == "req-1" and line["level"] == "INFO"


@pytest.mark.parametrize("overrides,message", [
    ({}, "refuses development secrets: set JWT_SECRET, SECRET_KEY"),
    ({"jwt_secret": TEST_JWT_SECRET, "secret_key": TEST_SECRET_KEY}, "set BITRIX_CLIENT_ID and BITRIX_CLIENT_SECRET"),
    ({"jwt_secret": TEST_JWT_SECRET, "secret_key": TEST_SECRET_KEY, "bitrix_client_id": "a",
      "bitrix_client_secret": "b", "log_format": "xml"}, "LOG_FORMAT"),
])
def test_production_refuses_to_start_misconfigured(overrides, message):
    with pytest.raises(SystemExit, match=message):
        Settings(app_env="production", **overrides).check()


def test_unreachable_database_refuses_to_start_in_one_line(database_url):
    from wsgi import create_app
    try:
        with pytest.raises(SystemExit) as stop:
            create_app(Settings(database_url="postgresql://app:s3cret@127.0.0.1:1/service", auto_migrate=False))
        assert str(stop.value) == "DATABASE_URL: cannot connect to postgresql://127.0.0.1:1/service"
    finally:
        db.bind(database_url, pool_size=40)


def test_bad_database_url_scheme_refuses_to_start():
    with pytest.raises(SystemExit, match="DATABASE_URL must be"):
        db.open_database("mysql://localhost/db")
