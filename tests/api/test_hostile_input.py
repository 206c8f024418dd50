"""Hostile input against a real server process: every probe a 4xx JSON string, nothing stored.

The table holds the issue's probes (lone surrogates and NUL in stored text and in the token's
`sub`, a `sub` too long for its column, 4,300-digit integers, deep nesting, no Content-Type,
100 MB bodies, long URLs and headers) and more. After each probe the database is what it was;
after all of them the process is about the size it was, and its log has no traceback and no 5xx.
"""
import json
from dataclasses import dataclass, field

import httpx
import pytest

from storage import db
from storage.models import MODELS
from tests.api.conformance import seed_portal
from tests.api.raw_http import exchange, megabytes, request_head
from tests.conftest import auth

JSON = {"Content-Type": "application/json"}
RESULT = {"quizID": 1, "resultID": "r-1", "answers": {"1": "да"}, "contact": {"name": "Иван", "phone": "+79991234567"}}
RULE = {"LeadFlag": False, "PerformerID": "1", "PipelineID": 0, "StageID": "NEW", "TypeID": "SALE",
        "SourceID": "WEB", "StatusID": "", "TagsToAdd": {},
        "FieldsRule": {"deal": {"QuestionID": {"1": "UF_CRM_1700000000"}}}}


@dataclass
class Probe:
    name: str
    method: str
    path: str
    status: int
    says: str = ""  # words the answer must contain
    body: object = None  # a dict/list (sent as JSON), raw bytes, or None
    headers: dict = field(default_factory=lambda: {**auth(), **JSON})
    parts: object = None  # a callable giving body parts for a raw exchange (huge bodies)


def result(**changes) -> dict:
    return {**RESULT, **changes}


def nested(depth: int) -> bytes:
    return b'{"quizID": 1, "resultID": "deep", "answers": ' + b"[" * depth + b"]" * depth + b"}"


PROBES = [
    # Who is calling: the token's account id is stored and logged, so it is held to what can be.
    Probe("sub with a lone surrogate", "POST", "/bitrix/account", 401, "account id must be",
          {"client_bitrix_url": "https://a.bitrix24.ru"}, {**auth("a\ud800"), **JSON}),
    Probe("sub with NUL", "POST", "/bitrix/account", 401, "account id must be",
          {"client_bitrix_url": "https://a.bitrix24.ru"}, {**auth("a\x00b"), **JSON}),
    Probe("sub of 256 characters", "POST", "/bitrix/account", 401, "at most 255 characters",
          {"client_bitrix_url": "https://a.bitrix24.ru"}, {**auth("a" * 256), **JSON}),
    Probe("sub with a surrogate, on a list", "GET", "/bitrix/results", 401, "account id must be",
          headers=auth("\udfff")),
    # Text no database stores, in every stored field of a result and a rule.
    Probe("contact name with a lone surrogate", "POST", "/bitrix/results", 400,
          "contact.name: contains a character that cannot be stored", result(contact={"name": "a\ud800"})),
    Probe("contact phone with NUL", "POST", "/bitrix/results", 400, "contact.phone: contains",
          result(contact={"phone": "+7999\x00"})),
    Probe("answer with NUL", "POST", "/bitrix/results", 400, "answers.1: contains", result(answers={"1": "да\x00"})),
    Probe("answer option with a surrogate", "POST", "/bitrix/results", 400, "answers.1.1: contains",
          result(answers={"1": ["a", "\udfff"]})),
    Probe("answer key with NUL", "POST", "/bitrix/results", 400, "answers", result(answers={"1\x00": "a"})),
    Probe("utm with a surrogate", "POST", "/bitrix/results", 400, "utm.source: contains",
          result(utm={"source": "\ud800"})),
    Probe("title with NUL", "POST", "/bitrix/results", 400, "title: contains", result(title="a\x00")),
    Probe("pageURL with NUL", "POST", "/bitrix/results", 400, "pageURL: contains",
          result(pageURL="https://q.example/\x00")),
    Probe("resultID with NUL", "POST", "/bitrix/results", 400, "resultID", result(resultID="r\x00")),
    Probe("question id '²'", "POST", "/bitrix/results", 400, "quiz question id", result(answers={"²": "a"})),
    Probe("rule tag with a surrogate", "POST", "/bitrix/rules/2", 400, "TagsToAdd.deal.0: contains",
          {**RULE, "TagsToAdd": {"deal": ["\ud800"]}}),
    Probe("rule performer with NUL", "POST", "/bitrix/rules/2", 400, "PerformerID: contains",
          {**RULE, "PerformerID": "1\x00"}),
    Probe("rule question id '²'", "POST", "/bitrix/rules/2", 400, "quiz question id",
          {**RULE, "FieldsRule": {"deal": {"QuestionID": {"²": "UF_CRM_1700000000"}}}}),
    Probe("portal URL with a surrogate", "POST", "/bitrix/account", 400, "client_bitrix_url",
          {"client_bitrix_url": "https://a\ud800.bitrix24.ru"}),
    # What the JSON parser refuses.
    Probe("integer of 5,000 digits", "POST", "/bitrix/results", 400, "too many digits",
          b'{"quizID": ' + b"1" * 5000 + b', "resultID": "big"}'),
    Probe("arrays nested 100,000 deep", "POST", "/bitrix/results", 400, "nested too deeply", nested(100_000)),
    Probe("objects nested 5,000 deep", "POST", "/bitrix/rules/2", 400, "nested too deeply",
          b'{"a": ' * 5000 + b"1" + b"}" * 5000),
    Probe("invalid JSON", "POST", "/bitrix/results", 400, "", b'{"quizID": 1,'),
    Probe("invalid UTF-8", "POST", "/bitrix/results", 400, "not valid UTF-8", b'{"resultID": "\xff\xfe"}'),
    Probe("empty body", "POST", "/bitrix/results", 400, "RequestBody is required", b""),
    Probe("JSON null", "POST", "/bitrix/results", 400, "", b"null"),
    Probe("JSON array", "POST", "/bitrix/results", 400, "", [RESULT]),
    # Content types.
    Probe("no Content-Type", "POST", "/bitrix/results", 415, "Content-Type is required", RESULT, auth()),
    Probe("no Content-Type on an account", "POST", "/bitrix/account", 415, "Content-Type is required",
          {"client_bitrix_url": "https://a.bitrix24.ru"}, auth()),
    Probe("text/plain", "POST", "/bitrix/results", 415, "Invalid Content-type", RESULT,
          {**auth(), "Content-Type": "text/plain"}),
    Probe("form-encoded", "POST", "/bitrix/rules/2", 415, "Invalid Content-type", b"a=1",
          {**auth(), "Content-Type": "application/x-www-form-urlencoded"}),
    # Sizes.
    Probe("100 MB declared body", "POST", "/bitrix/results", 413, "larger than 1048576 bytes",
          parts=lambda: megabytes(100)),
    Probe("100 MB chunked body", "POST", "/bitrix/results", 413, "larger than 1048576 bytes",
          headers={**auth(), **JSON, "Transfer-Encoding": "chunked"}, parts=lambda: megabytes(100, chunked=True)),
    Probe("contact value of 900 KB", "POST", "/bitrix/results", 400, "contact.comment: is too long",
          json.dumps(result(contact={"comment": "ж" * 450_000}), ensure_ascii=False).encode()),
    Probe("answer key of 500 KB", "POST", "/bitrix/results", 400, "quiz question id",
          result(answers={"1" * 500_000: "a"})),
    Probe("URL of 9,000 bytes", "GET", "/bitrix/results?page=" + "1" * 9000, 414, "longer than 8192 bytes",
          headers=auth()),
    Probe("header of 20,000 bytes", "GET", "/bitrix/results", 431, "larger than 16384 bytes",
          headers={**auth(), "X-Big": "a" * 20000}),
    Probe("Content-Length not a number", "POST", "/bitrix/results", 400, "", b"{}",
          {**auth(), **JSON, "Content-Length": "ten"}),
    # Parameters.
    Probe("status NUL", "GET", "/bitrix/results?status=%00", 400, "", headers=auth()),
    Probe("quizID with NUL", "GET", "/bitrix/results?quizID=1%00", 400, "", headers=auth()),
    Probe("resultID NUL in the path", "GET", "/bitrix/results/%00", 400, "", headers=auth()),
    Probe("resultID '..'", "GET", "/bitrix/results/%2E%2E", 400, "resultID", headers=auth()),
    Probe("page of 25 digits", "GET", "/bitrix/users?page=" + "9" * 25, 400, "page", headers=auth()),
    Probe("unknown query parameter", "GET", "/bitrix/users?admin=1", 400, "admin", headers=auth()),
    Probe("quizID not a number", "GET", "/bitrix/rules/abc", 400, "", headers=auth()),
    Probe("CRLF in the path", "GET", "/bitrix/x%0D%0A2026-01-01 00:00:00 ERROR forged", 404, "", headers=auth()),
    Probe("callback with NUL and a bad state", "GET", "/webhook/create?code=%00&domain=a&state=%00&member_id=a"
          "&server_domain=oauth.bitrix.info", 400, "", headers={}),
    Probe("method not allowed", "DELETE", "/bitrix/results", 405, "", headers=auth()),
]


def snapshot() -> dict:
    """Every row of every table."""
    with db.connection():
        return {model.__name__: sorted(map(repr, model.select().tuples())) for model in MODELS}


def send(url: str, probe: Probe):
    if probe.parts or "Content-Length" in probe.headers:
        head = dict(probe.headers)
        if probe.parts and "Transfer-Encoding" not in head:
            head["Content-Length"] = str(100 * 1024 * 1024)
        body = probe.body if isinstance(probe.body, bytes) else b""
        answer = exchange(url, request_head(probe.method, probe.path, head), probe.parts() if probe.parts else [body])
        return answer.status, answer.headers.get("content-type"), answer.body
    content = probe.body if isinstance(probe.body, bytes | None) else json.dumps(probe.body).encode()
    if len(probe.path) > 8192 or any(len(value) > 8192 for value in probe.headers.values()):
        answer = exchange(url, request_head(probe.method, probe.path, probe.headers))
        return answer.status, answer.headers.get("content-type"), answer.body
    response = httpx.request(probe.method, url + probe.path, content=content, headers=probe.headers, timeout=30)
    return response.status_code, response.headers.get("content-type"), response.content


def test_every_probe_is_refused_with_json_and_changes_nothing(serve, connected):
    seed_portal(connected)
    server = serve()
    httpx.get(server.url + "/bitrix/users", headers=auth())  # warm up before measuring memory
    rss = server.rss_mb()
    failures = []
    for probe in PROBES:
        before = snapshot()
        status, content_type, body = send(server.url, probe)
        message = json.loads(body) if content_type == "application/json" else None
        if status != probe.status or not isinstance(message, str) or probe.says not in message:
            failures.append(f"{probe.name}: {status} {content_type} {body[:200]!r}")
        elif len(body) > 400:
            failures.append(f"{probe.name}: an answer of {len(body)} bytes")
        elif snapshot() != before:
            failures.append(f"{probe.name}: the database changed")
    assert not failures, "\n".join(failures)
    assert server.rss_mb() - rss < 60, (rss, server.rss_mb())
    log = server.log()
    assert "Traceback" not in log and " 500 " not in log and "forged" not in log.replace("\\r\\n2026", "")


@pytest.mark.parametrize("account", ["a" * 255, "Аккаунт-№1 ✓"])
def test_an_account_id_within_bounds_is_served(client, account):
    answer = client.post("/bitrix/account", json={"client_bitrix_url": "https://ok.bitrix24.ru"}, headers=auth(account))
    assert answer.status_code == 200 and answer.json()["accountID"] == account
