"""`python -m worker`: a dedicated worker process (for deployments with RUN_WORKER=false on the API).

Runs WORKER_CONCURRENCY jobs at once. On SIGTERM or SIGINT it claims nothing more, lets the running
jobs finish for up to WORKER_STOP_GRACE_SECONDS and gives the rest back to the queue, then exits.
"""
import signal
import threading

from observability import logs
from service.context import Context
from settings import Settings
from storage import db
from worker.runner import Worker


def main() -> None:
    settings = Settings.from_env()
    logs.configure(settings.log_format, settings.log_level)
    settings.check()
    ctx = Context.build(settings, pool_size=settings.worker_connections())
    db.check_connection(settings.database_url)
    if settings.auto_migrate:
        db.migrate()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    Worker(ctx).run(stop)


if __name__ == "__main__":
    main()
