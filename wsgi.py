"""The app factory and `app`.

Despite its name (kept for deployment conventions), `app` is an ASGI application: serve it
with `uvicorn wsgi:app` or `gunicorn -k uvicorn_worker.UvicornWorker wsgi:app`, not a WSGI server.
"""
import contextlib

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition

from handlers import problems
from handlers.identity import TokenVerifier, security_map
from handlers.request_log import RequestLog
from integration import runtime
from jobs.worker import start_in_background
from observability import logs, metrics
from settings import Settings
from storage import db
from web import served_spec
from web.routing import HandlerResolver


def embedded_worker(settings: Settings):
    """Lifespan running the job worker inside this process when RUN_WORKER is on."""
    @contextlib.asynccontextmanager
    async def lifespan(app):
        if not settings.run_worker:
            yield
            return
        thread, stop = start_in_background(settings)
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=settings.job_lease_seconds)
    return lifespan


def create_app(settings: Settings | None = None) -> AsyncApp:
    """A Connexion app serving spec/openapi.yaml with the given (or environment) settings."""
    settings = settings or Settings.from_env()
    logs.configure(settings.log_format, settings.log_level)
    settings.check()
    runtime.configure(settings)
    db.init(settings.database_url, settings.db_pool_size)
    db.check_connection(settings.database_url)
    if settings.auto_migrate:
        db.migrate()
    metrics.install()
    spec = served_spec.load_spec(settings)
    app = AsyncApp(__name__, security_map=security_map(TokenVerifier(settings)),
                   lifespan=embedded_worker(settings))
    app.add_api(spec, resolver=HandlerResolver(), strict_validation=True,
                pythonic_params=True,
                swagger_ui_options=served_spec.SWAGGER_UI)
    served_spec.serve(app, spec)
    # Outside Connexion's exception middleware, so the logged status is the one sent.
    app.add_middleware(RequestLog, position=MiddlewarePosition.BEFORE_EXCEPTION)
    problems.register(app, spec["paths"])
    return app


def __getattr__(name):
    # `app` is built on first access, so importing create_app (tests, tools) reads no environment.
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(name)
