"""Repeating by "did the request run": reads and rate-limit answers are repeated, writes never blindly."""
import socket

import pytest

from bitrix_client import (
    BitrixClient,
    LeakyBucket,
    OperationTimeLimit,
    RetryPolicy,
    ServerError,
    TokenHolder,
    TokenSet,
    TransportError,
    limiter_for,
)

from .concurrently import run_concurrently

QUICK_TIMEOUT = (1.0, 0.3)


def leads(portal):
    return portal.data.rows("lead")


def add_lead(client):
    return client.call("crm.lead.add", {"fields": {"TITLE": "Quiz #7"}}, write=True)


def test_a_read_is_repeated_after_server_errors(client, portal):
    portal.fail("user.get", times=2, status=500)
    assert client.call("user.get", {"ID": 1})[0]["ID"] == "1"
    assert portal.stats["by_method"]["user.get"] == 3


def test_read_repeats_are_bounded(client, portal):
    portal.fail("user.get", times=None, status=500)
    with pytest.raises(ServerError):
        client.call("user.get")
    assert portal.stats["by_method"]["user.get"] == 3


def test_a_write_that_failed_after_taking_effect_is_not_repeated(client, portal):
    portal.fail("crm.lead.add", status=500, after_effect=True)
    with pytest.raises(ServerError) as failed:
        add_lead(client)
    assert failed.value.request_may_have_run
    assert portal.stats["by_method"]["crm.lead.add"] == 1
    assert len(leads(portal)) == 1  # the caller looks it up before creating it again


def test_a_read_that_timed_out_is_repeated(make_client, portal):
    client = make_client(portal, timeout=QUICK_TIMEOUT)
    portal.fail("user.current", status=None, delay=1.0)  # slow, then answered normally
    assert client.call("user.current")["ID"] == "1"
    assert portal.stats["by_method"]["user.current"] == 2


def test_a_write_that_timed_out_is_not_repeated(make_client, portal):
    client = make_client(portal, timeout=QUICK_TIMEOUT)
    portal.fail("crm.lead.add", status=None, delay=1.0, after_effect=True)
    with pytest.raises(TransportError) as failed:
        add_lead(client)
    assert failed.value.request_may_have_run
    assert portal.stats["by_method"]["crm.lead.add"] == 1
    assert len(leads(portal)) == 1


def test_a_body_that_is_not_json_is_a_transport_error_repeated_only_for_reads(client, portal):
    portal.fail("user.current", status=502, raw_body="<html><body>Bad Gateway</body></html>")
    assert client.call("user.current")["ID"] == "1"

    portal.fail("crm.lead.add", status=200, raw_body="<html>oops</html>", after_effect=True)
    with pytest.raises(TransportError) as failed:
        add_lead(client)
    assert failed.value.request_may_have_run and failed.value.status == 200
    assert portal.stats["by_method"]["crm.lead.add"] == 1 and len(leads(portal)) == 1


def test_a_refused_connection_never_ran_so_even_a_write_may_be_repeated(make_client, portal, fake_bitrix):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    answer = {**portal.issue_tokens(), "client_endpoint": f"http://127.0.0.1:{port}/rest/"}
    client = make_client(portal, tokens=TokenSet.from_answer(answer))
    with pytest.raises(TransportError) as failed:
        add_lead(client)
    assert failed.value.request_may_have_run is False
    assert len(leads(portal)) == 0


def test_rate_limit_answers_are_waited_out_when_the_portal_is_stricter_than_the_client(make_client, portal):
    portal.set_limits(bucket=5, drain=20.0)
    clients = [make_client(portal, limiter=LeakyBucket(50, 1000.0)) for _ in range(10)]
    # A 503 means the write did not run: repeating it is safe.
    run_concurrently(lambda client: [add_lead(client) for _ in range(3)], clients)
    assert portal.stats["rejected_503"] > 0
    assert len(leads(portal)) == 30


def test_the_operating_time_limit_is_given_up_on_within_the_budget(make_client, portal):
    client = make_client(portal, retry=RetryPolicy(rate_limit_budget=0.3, base_delay=0.05, max_delay=0.1))
    portal.set_limits(bucket=10_000, drain=10_000.0, operating_limit=0.0)
    client.call("user.current")
    with pytest.raises(OperationTimeLimit):
        client.call("user.current")
    assert client.call("user.get", {"ID": 1})  # other methods keep working


def test_a_burst_paced_by_the_shared_limiter_gets_no_503(portal, oauth):
    # The real limits are 50 and 2/s; the drain is raised on both sides to keep this fast.
    portal.set_limits(bucket=50, drain=100.0)
    limiter = limiter_for(portal.member_id, bucket=50, drain=100.0)
    holder = TokenHolder(TokenSet.from_answer(portal.issue_tokens()), oauth)
    clients = [BitrixClient(holder, allow_http=True) for _ in range(10)]
    assert all(client.limiter is limiter for client in clients)

    def burst(client):
        for _ in range(500 // len(clients)):
            client.call("user.current")

    run_concurrently(burst, clients)
    assert portal.stats["by_method"]["user.current"] == 500
    assert portal.stats["rejected_503"] == 0
    assert limiter.stats()["waited_seconds"] > 1.0  # the limiter, not the portal, set the pace
