"""The leaky bucket and injected faults: what a client sees and what the portal counted."""
import time

import pytest
import requests


def burst(rest, count: int) -> list:
    return [rest.post("profile").status_code for _ in range(count)]


def test_default_bucket_rejects_a_burst_with_503(rest):
    statuses = burst(rest, 60)

    assert statuses[:50] == [200] * 50
    assert statuses.count(503) >= 5
    rejected = rest.post("profile")
    assert rejected.status_code == 503
    assert rejected.json() == {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
    assert rest.portal.stats["rejected_503"] == statuses.count(503) + 1


def test_bucket_drains_and_recovers(rest):
    rest.portal.set_limits(bucket=5, drain=10.0)
    assert 503 in burst(rest, 12)

    deadline = time.monotonic() + 2
    while rest.post("profile").status_code != 200:
        assert time.monotonic() < deadline, "the bucket never drained"
        time.sleep(0.05)


def test_enterprise_bucket_is_larger(fake_bitrix):
    portal = fake_bitrix.add_portal(users=2, enterprise=True)

    assert (portal.bucket.size, portal.bucket.drain) == (250, 5.0)


def test_fault_with_status_hits_the_next_call_only(rest):
    rest.portal.fail("crm.lead.add", status=502, error="BAD_GATEWAY", description="upstream")

    assert rest.post("profile").status_code == 200, "other methods are not affected"
    failed = rest.post("crm.lead.add", fields={"TITLE": "a"})
    assert failed.status_code == 502
    assert failed.json() == {"error": "BAD_GATEWAY", "error_description": "upstream"}
    assert rest.portal.data.entities["lead"] == {}, "the call did not take effect"
    assert rest.post("crm.lead.add", fields={"TITLE": "a"}).status_code == 200
    assert rest.portal.stats["faults"] == 1


def test_raw_non_json_body(rest):
    rest.portal.fail(status=500, raw_body="<html><body>502 Bad Gateway</body></html>", times=2)

    for _ in range(2):
        response = rest.post("user.get")
        assert response.status_code == 500 and response.headers["Content-Type"].startswith("text/html")
        with pytest.raises(ValueError):
            response.json()
    assert rest.post("user.get").status_code == 200


def test_after_effect_creates_the_deal_then_fails(rest):
    rest.portal.fail("crm.deal.add", status=500, after_effect=True)

    response = rest.post("crm.deal.add", fields={"TITLE": "Сделка из квиза", "ORIGIN_ID": "quiz-1"})

    assert response.status_code == 500
    deals = list(rest.portal.data.entities["deal"].values())
    assert [deal["ORIGIN_ID"] for deal in deals] == ["quiz-1"]


def test_after_effect_with_delay_times_the_client_out(rest):
    rest.portal.fail("crm.deal.add", delay=5, after_effect=True)

    with pytest.raises(requests.Timeout):
        rest.post("crm.deal.add", timeout=0.3, fields={"TITLE": "Медленная сделка"})

    assert [deal["TITLE"] for deal in rest.portal.data.entities["deal"].values()] == ["Медленная сделка"]


def test_slow_answer_that_succeeds(rest):
    rest.portal.fail("profile", status=None, delay=0.2)

    began = time.monotonic()
    assert rest.post("profile").status_code == 200
    assert time.monotonic() - began >= 0.2


def test_fault_inside_a_batch_fails_that_command(rest):
    rest.portal.fail("crm.lead.add", status=500, error="INTERNAL_SERVER_ERROR")

    commands = {"a": "crm.lead.add?fields[TITLE]=1", "b": "crm.lead.add?fields[TITLE]=2"}
    outcome = rest.result("batch", cmd=commands)

    assert outcome["result_error"]["a"]["error"] == "INTERNAL_SERVER_ERROR"
    assert outcome["result"]["b"] == 1


def test_faults_until_cleared(rest):
    rest.portal.fail(times=None, status=503, error="QUERY_LIMIT_EXCEEDED")

    assert [rest.post("profile").status_code for _ in range(3)] == [503] * 3
    rest.portal.clear_faults()
    assert rest.post("profile").status_code == 200
