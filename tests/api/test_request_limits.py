"""How big and how slow a request may be, against uvicorn (`make run`) and gunicorn (`make serve`).

Each refusal is a JSON string with a 4xx status, comes before the process reads what it refuses,
and ends the connection, so a client cannot hold it by trickling the rest.
"""
import json

import httpx
import pytest

from tests.api.conftest import running_server
from tests.api.raw_http import exchange, megabytes, request_head
from tests.conftest import auth, settings_for

TIMEOUT = 1  # HEADER_TIMEOUT_SECONDS and BODY_TIMEOUT_SECONDS of these servers
LIMIT = 1024 * 1024


@pytest.fixture(scope="module", params=["uvicorn", "gunicorn"])
def server(request, database_url, tmp_path_factory):
    log_path = tmp_path_factory.mktemp(request.param) / "server.log"
    with running_server(settings_for(database_url), log_path, request.param,
                        HEADER_TIMEOUT_SECONDS=str(TIMEOUT), BODY_TIMEOUT_SECONDS=str(TIMEOUT)) as running:
        yield running


def post_head(length: int | None = None, **headers) -> bytes:
    headers = {**auth(), "Content-Type": "application/json", **headers}
    if length is not None:
        headers["Content-Length"] = str(length)
    return request_head("POST", "/bitrix/account", headers)


def assert_refused(answer, status: int, words: str):
    assert answer.status == status, answer
    assert answer.headers["content-type"] == "application/json"
    assert words in answer.json()


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(server):
    answer = exchange(server.url, post_head(100 * LIMIT), megabytes(100), check_closed=True)
    assert_refused(answer, 413, f"larger than {LIMIT} bytes")
    assert answer.seconds < 5 and answer.closed


def test_a_chunked_body_is_refused_once_it_passes_the_limit(server):
    answer = exchange(server.url, post_head(**{"Transfer-Encoding": "chunked"}), megabytes(100, chunked=True))
    assert_refused(answer, 413, f"larger than {LIMIT} bytes")


def test_100_mb_bodies_leave_the_process_its_size(server):
    before = server.rss_mb()
    for _ in range(3):
        exchange(server.url, post_head(100 * LIMIT), megabytes(100))
        exchange(server.url, post_head(**{"Transfer-Encoding": "chunked"}), megabytes(100, chunked=True))
    # 600 MB were sent; a process that held one of them would have grown by 100 MB.
    assert server.rss_mb() - before < 40, (before, server.rss_mb())


def test_a_chunked_body_within_the_limit_is_validated_and_served(server):
    def body(url):
        yield b'{"client_bitrix_url": '
        yield json.dumps(url).encode()
        yield b"}"

    served = httpx.post(server.url + "/bitrix/account", content=body("https://chunked.bitrix24.ru"),
                        headers={**auth("chunked-1"), "Content-Type": "application/json"})
    assert served.status_code == 200 and served.json()["accountID"] == "chunked-1"
    refused = httpx.post(server.url + "/bitrix/account", content=body("ftp://chunked"),
                         headers={**auth("chunked-2"), "Content-Type": "application/json"})
    assert refused.status_code == 400 and refused.json().startswith("client_bitrix_url: does not match")


def test_a_long_url_or_large_headers_are_refused_with_json(server):
    assert_refused(exchange(server.url, request_head("GET", "/bitrix/users?page=" + "1" * 9000, auth())),
                   414, "longer than 8192 bytes")
    assert_refused(exchange(server.url, request_head("GET", "/bitrix/users", {**auth(), "X-Big": "a" * 20000})),
                   431, "larger than 16384 bytes")
    many = {f"X-Header-{n}": "a" * 40 for n in range(500)}
    assert_refused(exchange(server.url, request_head("GET", "/bitrix/users", many)), 431, "larger than")


def test_headers_trickled_past_their_deadline_are_refused(server):
    head = request_head("GET", "/health/live", {"X-Slow": "1"})
    answer = exchange(server.url, b"", [head[i:i + 4] for i in range(0, len(head), 4)], pause=0.3,
                      check_closed=True)
    assert_refused(answer, 408, "headers did not arrive within 1 s")
    assert TIMEOUT <= answer.seconds < TIMEOUT + 3 and answer.closed


def test_a_silent_connection_is_closed_after_the_header_deadline(server):
    answer = exchange(server.url, b"", check_closed=True)
    assert_refused(answer, 408, "headers did not arrive")
    assert answer.seconds < TIMEOUT + 3


def test_a_body_trickled_past_its_deadline_is_refused(server):
    answer = exchange(server.url, post_head(200), [b" "] * 20, pause=0.3, check_closed=True)
    assert_refused(answer, 408, "body did not arrive within 1 s")
    assert answer.seconds < TIMEOUT + 3 and answer.closed


def test_an_answer_given_before_the_body_ends_the_connection(server):
    # Refused by security before validation reads the body: the rest of it is never waited for.
    head = request_head("POST", "/bitrix/account", {"Content-Type": "application/json", "Content-Length": "200"})
    answer = exchange(server.url, head, [b" "] * 20, pause=0.3, check_closed=True)
    assert answer.status == 401 and answer.closed and answer.seconds < 3
