"""A run full of personal data, secrets and oversized values leaves none of them in the log.

The README promises logs without tokens, secrets, codes or personal data. Validation used to log
the whole invalid value (a phone number of the wrong type, a megabyte field), and in text format a
path with %0D%0A forged a line of its own.
"""
import json

import httpx
import pytest

from tests.api.conformance import seed_portal
from tests.api.raw_http import exchange, megabytes, request_head
from tests.conftest import make_token

NAME, PHONE, EMAIL = "Зинаида Секретова", "+79161234567", "zinaida.secret@example.com"
SECRETS = [NAME, "Секретова", "9161234567", EMAIL, "мой тайный ответ", "s3cret-password", "AUTHCODE-123",
           "ЖЖЖЖЖЖЖЖЖЖ", "1111111111111111", "xxxxxxxxxxxxxxxx"]


def personal_run(url: str, token: str) -> None:
    """Requests carrying personal data, secrets and oversized values, accepted and refused."""
    headers = {"Authorization": f"Bearer {token}"}
    result = {"quizID": 1, "resultID": "p-1", "answers": {"1": "мой тайный ответ"},
              "contact": {"name": NAME, "phone": PHONE, "email": EMAIL}}
    assert httpx.post(url + "/bitrix/results", json=result, headers=headers).status_code == 202
    refused = [
        {**result, "resultID": "p-2", "contact": {"phone": 79161234567}},  # a phone of the wrong type
        {**result, "resultID": "p-3", "contact": {"name": NAME * 20}},  # too long, personal
        {**result, "resultID": "p-4", "contact": {"comment": "Ж" * 400_000}},  # an oversized value
        {**result, "resultID": "p-5", "answers": {"1" * 300_000: "a"}},  # an oversized key
        {**result, "resultID": "p-6", "answers": {"1": {"phone": PHONE}}},  # an answer of the wrong shape
    ]
    for body in refused:
        answer = httpx.post(url + "/bitrix/results", content=json.dumps(body, ensure_ascii=False).encode(),
                            headers={**headers, "Content-Type": "application/json"})
        assert answer.status_code == 400 and len(answer.content) < 400, answer.text[:200]
    assert httpx.post(url + "/bitrix/account", json={"client_bitrix_url": "https://me:s3cret-password@x.bitrix24.ru"},
                      headers=headers).status_code == 400
    assert httpx.get(url + "/webhook/create", params={"code": "AUTHCODE-123", "domain": "x", "state": "bad",
                                                      "member_id": "m", "server_domain": "s"}).status_code == 400
    forged = "/bitrix/x%0D%0A2026-01-01 00:00:00,000 ERROR forged line"
    assert httpx.get(url + forged, headers=headers).status_code == 404
    too_big = exchange(url, request_head("POST", "/bitrix/results", {
        **headers, "Content-Type": "application/json", "Content-Length": str(100 << 20)}), megabytes(100))
    assert too_big.status == 413


@pytest.mark.parametrize("kind,log_format,level", [("uvicorn", "text", "DEBUG"), ("gunicorn", "json", "INFO")])
def test_the_log_of_a_run_full_of_personal_data_holds_none_of_it(serve, connected, kind, log_format, level):
    seed_portal(connected)
    server = serve(kind, LOG_LEVEL=level, LOG_FORMAT=log_format)
    token = make_token("account-1")
    personal_run(server.url, token)
    log = server.log()
    assert "refused: contact.phone: is not of type 'string'" in log  # the field and the rule are there
    for secret in [*SECRETS, token]:
        assert secret not in log, secret
    for line in log.splitlines():
        assert len(line) < 2000, line[:200]
        assert not line.startswith("2026-01-01"), line  # the path's %0D%0A began no line of its own
        if log_format == "json" and line.startswith("{"):
            json.loads(line)
    assert "x\\r\\n2026-01-01" in log  # escaped, in either format
