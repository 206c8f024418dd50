"""Per-portal latency: slow answers that hold neither other portals nor other requests of the portal."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from fake_bitrix.latency import Latency


def timed(call) -> float:
    began = time.monotonic()
    response = call()
    assert response.status_code == 200, response.text
    return time.monotonic() - began


def test_a_slow_portal_answers_late_and_does_not_delay_another(fake_bitrix, rest_for):
    slow, quick = rest_for(fake_bitrix.add_portal(users=2)), rest_for(fake_bitrix.add_portal(users=2))
    slow.portal.set_latency(1.0)

    with ThreadPoolExecutor(2) as pool:
        slow_call = pool.submit(timed, lambda: slow.post("profile"))
        quick_took = timed(lambda: quick.post("profile"))
        slow_took = slow_call.result()

    assert slow_took >= 1.0
    assert quick_took < 0.5


def test_requests_of_one_slow_portal_run_side_by_side(fake_portal):
    fake_portal.set_latency(0.5)
    token = fake_portal.issue_tokens()["access_token"]

    def one_call():
        return requests.post(f"{fake_portal.client_endpoint}profile", json={"auth": token}, timeout=5)

    began = time.monotonic()
    with ThreadPoolExecutor(20) as pool:
        statuses = [response.status_code for response in pool.map(lambda _: one_call(), range(20))]

    assert statuses == [200] * 20
    assert time.monotonic() - began < 4, "20 calls of 0.5 s each overlapped (one after another: 10 s)"


def test_the_call_takes_effect_before_a_late_answer(rest):
    rest.portal.set_latency(1.0)

    with pytest.raises(requests.Timeout):
        rest.post("crm.lead.add", timeout=0.2, fields={"TITLE": "Медленный портал"})

    deadline = time.monotonic() + 3
    while not rest.portal.data.entities["lead"]:
        assert time.monotonic() < deadline, "the lead never appeared"
        time.sleep(0.05)


def test_jitter_spreads_answers_around_the_latency():
    latency = Latency()
    latency.configure(0.25, jitter=0.1, seed=7)

    draws = [latency.draw() for _ in range(1000)]

    assert all(0.15 <= draw <= 0.35 for draw in draws)
    assert max(draws) - min(draws) > 0.15
    assert abs(sum(draws) / len(draws) - 0.25) < 0.01


def test_jitter_never_makes_a_negative_wait():
    latency = Latency()
    latency.configure(0.01, jitter=0.5, seed=1)

    assert min(latency.draw() for _ in range(200)) == 0.0
    with pytest.raises(ValueError):
        latency.configure(-1)


def test_many_idle_portals_cost_no_thread_each(fake_bitrix):
    before = threading.active_count()

    portals = [fake_bitrix.add_portal(users=1, pipelines=1) for _ in range(40)]

    assert threading.active_count() <= before + 1, "one accepting thread serves every listener"
    assert len({portal.url for portal in portals}) == 40
    portals[0].stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{portals[0].client_endpoint}profile", timeout=2)
    assert requests.get(f"{portals[1].client_endpoint}profile", timeout=2).status_code == 401
