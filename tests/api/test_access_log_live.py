"""The access log and the metrics under real servers: uvicorn (`make run`) and gunicorn (`make serve`).

Connexion routes on a copy of the ASGI scope; under uvicorn the access log used to read
`op=- account=-` and every sample `operation="unrouted"`, while the TestClient, whose scope
happens to share its `extensions`, showed them. Only a server process can tell.
"""
import json
import re

import httpx
import pytest

from tests.conftest import auth


@pytest.mark.parametrize("kind,log_format", [("uvicorn", "text"), ("gunicorn", "json")])
def test_access_lines_and_metrics_name_operation_and_account(serve, connected, kind, log_format):
    connected("account-1")
    server = serve(kind, LOG_LEVEL="INFO", LOG_FORMAT=log_format)
    assert httpx.get(server.url + "/bitrix/users", headers={**auth(), "X-Request-ID": "req-users"}).status_code == 200
    assert httpx.get(server.url + "/bitrix/steps", headers={"X-Request-ID": "req-anonymous"}).status_code == 401
    assert httpx.post(server.url + "/bitrix/account", json={"client_bitrix_url": "ftp://x"},
                      headers={**auth("account-2"), "X-Request-ID": "req-bad"}).status_code == 400
    metrics = httpx.get(server.url + "/metrics").text
    assert 'http_request_duration_seconds_count{operation="listUsers",status="200"} 1.0' in metrics
    assert 'http_request_duration_seconds_count{operation="listSteps",status="401"} 1.0' in metrics
    assert 'http_request_duration_seconds_count{operation="connectAccount",status="400"} 1.0' in metrics

    lines = access_lines(server.log(), log_format)
    assert lines["GET /bitrix/users"] == {"operation": "listUsers", "account": "account-1", "status": 200}
    assert lines["GET /bitrix/steps"] == {"operation": "listSteps", "account": "", "status": 401}
    assert lines["POST /bitrix/account"] == {"operation": "connectAccount", "account": "account-2", "status": 400}


def access_lines(log: str, log_format: str) -> dict:
    """Operation, account and status of each access line, by method and path."""
    found = {}
    for line in log.splitlines():
        if log_format == "json" and line.startswith("{"):
            record = json.loads(line)
            if record["logger"] == "access":
                found[f"{record['method']} {record['path']}"] = {
                    key: record[key] for key in ("operation", "account", "status")}
        elif log_format == "text":
            match = re.search(r" access (\S+ \S+) (\d+) [\d.]+ms op=(\S+) account=(\S+)$", line)
            if match:
                found[match[1]] = {"operation": match[3].strip("-"), "account": match[4].strip("-"),
                                   "status": int(match[2])}
    return found
