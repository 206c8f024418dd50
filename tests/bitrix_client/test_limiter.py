"""The client-side leaky bucket: bursts pass up to the bucket, then requests wait for the drain."""
import time

import pytest

from bitrix_client import LeakyBucket, limiter_for

from .concurrently import run_concurrently


class SteppedTime:
    """A clock that moves only when someone sleeps: waits are measured, not spent."""

    def __init__(self):
        self.now = 1000.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_a_burst_passes_up_to_the_bucket_minus_the_margin_then_waits_for_the_drain():
    steps = SteppedTime()
    bucket = LeakyBucket(bucket=50, drain=2.0, clock=steps.clock, sleep=steps.sleep)
    waits = [bucket.acquire() for _ in range(60)]
    assert waits[:48] == [0.0] * 48
    assert waits[48:] == pytest.approx([0.5] * 12)
    assert bucket.stats() == {"requests": 60, "waits": 12, "waited_seconds": pytest.approx(6.0)}


def test_an_idle_bucket_drains():
    steps = SteppedTime()
    bucket = LeakyBucket(bucket=250, drain=5.0, clock=steps.clock, sleep=steps.sleep)
    for _ in range(248):
        bucket.acquire()
    steps.now += 10  # 50 requests' worth drains away
    assert [bucket.acquire() for _ in range(50)] == [0.0] * 50
    assert bucket.acquire() == pytest.approx(0.2)


def test_a_fast_drain_keeps_a_wider_margin_for_network_jitter():
    steps = SteppedTime()
    bucket = LeakyBucket(bucket=50, drain=100.0, clock=steps.clock, sleep=steps.sleep)
    waits = [bucket.acquire() for _ in range(26)]
    assert waits[:25] == [0.0] * 25 and waits[25] == pytest.approx(0.01)


def test_saturate_makes_the_next_request_wait():
    steps = SteppedTime()
    bucket = LeakyBucket(bucket=50, drain=2.0, clock=steps.clock, sleep=steps.sleep)
    bucket.saturate()
    assert bucket.acquire() == pytest.approx(0.5)


def test_threads_sharing_a_bucket_never_exceed_its_rate():
    bucket = LeakyBucket(bucket=10, drain=200.0, margin=0)
    started = time.monotonic()

    def worker(_):
        for _ in range(25):
            bucket.acquire()
        return time.monotonic()

    finished = max(run_concurrently(worker, range(8)))
    # A leaky bucket lets 10 through at once, then 200 per second: 200 requests need >= 0.95 s.
    assert finished - started >= (200 - 10) / 200.0
    assert bucket.stats()["requests"] == 200


def test_limiter_for_gives_every_client_of_a_portal_the_same_bucket():
    first = limiter_for("limiter-test-portal")
    assert limiter_for("limiter-test-portal") is first
    assert limiter_for("another-limiter-test-portal") is not first
    enterprise = limiter_for("limiter-test-portal", bucket=250, drain=5)
    assert enterprise is first and (first.bucket, first.drain) == (250, 5.0)
    assert limiter_for("limiter-test-portal").bucket == 250  # a client without limits keeps them
