"""The API process's own worker (RUN_WORKER=true) is the same worker: jobs at once, a graceful stop."""
import httpx

from storage import db, job_queue
from tests.api.conftest import running_server
from tests.conftest import auth
from tests.worker.conftest import QUIZ, wait_for
from tests.worker.test_shutdown import running_jobs


def test_the_api_process_delivers_slow_portals_at_once_and_stops_cleanly(connect_portals, fake_settings, tmp_path):
    portals = connect_portals(3)
    for each in portals:
        each.portal.set_latency(1.5)
    with running_server(fake_settings, tmp_path / "server.log", RUN_WORKER="true", WORKER_CONCURRENCY=3,
                        WORKER_STOP_GRACE_SECONDS=1, WORKER_POLL_SECONDS=0.1, BITRIX_TIMEOUT_SECONDS=30,
                        RESYNC_INTERVAL_SECONDS=0) as server:
        base_url = server.url
        for number, each in enumerate(portals):
            body = {"quizID": QUIZ, "resultID": f"r-{number}", "contact": {"name": "Анна"}, "answers": {}}
            response = httpx.post(f"{base_url}/bitrix/results", json=body, headers=auth(each.account))
            assert response.status_code == 202, response.text
        took = wait_for(lambda: all(each.delivered() for each in portals), deadline=30)
        assert took < 4, took  # one after another: at least 3 x 1.5 s
        portals[0].portal.set_latency(20.0)
        body = {"quizID": QUIZ, "resultID": "late", "contact": {"name": "Анна"}, "answers": {}}
        assert httpx.post(f"{base_url}/bitrix/results", json=body,
                          headers=auth(portals[0].account)).status_code == 202
        wait_for(lambda: running_jobs() == 1, deadline=10)
    # SIGTERM to uvicorn: within the grace its worker gave the job in flight back, then the process ended.
    assert server.process.returncode is not None and "Application shutdown complete" in server.log()
    assert running_jobs() == 0
    with db.connection():
        job = job_queue.latest(portals[0].member_id, "deliver")
    assert (job.state, job.attempts) == ("queued", 0)
