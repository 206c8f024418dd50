"""`python -m jobs`: a dedicated worker process (for deployments with RUN_WORKER=false on the API).

Stops on SIGTERM or SIGINT after the job in hand is finished.
"""
import logging
import signal
import threading

from integration import runtime
from jobs.worker import Worker
from settings import Settings
from storage import db


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    settings.check()
    runtime.configure(settings)
    db.init(settings.database_url, pool_size=4)
    if settings.auto_migrate:
        db.migrate()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    Worker(settings).run(stop)


if __name__ == "__main__":
    main()
