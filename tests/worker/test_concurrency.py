"""One worker process keeps many portals moving: slow portals in parallel, a hanging one in one slot,
a portal with a backlog taking turns with the others. Against the fake over HTTP, with latency."""
from service.delivery.send import CHUNK
from storage import db, job_queue
from tests.worker.conftest import job_threads_ended, running, wait_for
from worker.runner import Worker


def test_slow_portals_are_served_at_once_in_about_the_time_of_one(connect_portals, worker_ctx, client):
    portals = connect_portals(6)
    for number, each in enumerate(portals):
        each.portal.set_latency(1.0)
        each.submit(client, f"r-{number}")
    with running(Worker(worker_ctx(concurrency=6))):
        took = wait_for(lambda: all(each.delivered() for each in portals), deadline=20)
    # One at a time it takes at least 6 x 1 s; at once, about one portal's second plus our own work.
    assert took < 3.5, took
    assert all(each.leads_of(f"quiz-result-{each.deliveries()[0].id}") == 1 for each in portals)


def test_a_hanging_portal_holds_one_slot_not_the_worker(connect_portals, worker_ctx, client):
    hanging, *others = connect_portals(4)
    hanging.portal.set_latency(8.0)
    hanging.submit(client, "r-hanging")  # first in the queue: its job is claimed first
    for number, each in enumerate(others):
        each.portal.set_latency(0.2)
        each.submit(client, f"r-{number}")
    worker = Worker(worker_ctx(concurrency=2, worker_stop_grace_seconds=0.0))
    with running(worker):
        took = wait_for(lambda: all(each.delivered() for each in others), deadline=20)
        assert not hanging.delivered()
    assert took < 4, took  # three portals one after another in the free slot; not after the 8 s one
    with db.connection():
        job = job_queue.latest(hanging.member_id, "deliver")
    wait_for(lambda: job_threads_ended(job.id), deadline=15)  # its request ends before the test does


def test_a_portal_with_a_backlog_takes_turns_with_portals_of_one_result(connect_portals, worker_ctx, client):
    busy, second, third = connect_portals(3)
    for each in (busy, second, third):
        each.portal.set_latency(0.2)
    for number in range(CHUNK * 2 + 20):
        busy.submit(client, f"backlog-{number}")
    second.submit(client, "one")
    third.submit(client, "one")
    with running(Worker(worker_ctx(concurrency=1))):
        wait_for(lambda: all(each.delivered() for each in (busy, second, third)), deadline=30)
    backlog = [row.delivered_at for row in busy.deliveries()]
    [second_at], [third_at] = [row.delivered_at for row in second.deliveries()], \
                              [row.delivered_at for row in third.deliveries()]
    # The backlog's first chunk, then the other portals in the order their results came, then the rest.
    assert sum(1 for at in backlog if at < second_at) == CHUNK
    assert second_at < third_at < min(at for at in backlog[CHUNK:])
