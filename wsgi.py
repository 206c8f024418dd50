"""The app factory and `app`.

Despite its name (kept for deployment conventions), `app` is an ASGI application: serve it
with `uvicorn wsgi:app` or `gunicorn -k uvicorn_worker.UvicornWorker wsgi:app`, not a WSGI server.
"""
import contextlib
import inspect
from pathlib import Path

import yaml
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver

from handlers import problems
from handlers.identity import TokenVerifier, security_map
from handlers.request_log import RequestLog
from integration import runtime
from jobs.worker import start_in_background
from observability import logs, metrics
from settings import Settings
from storage import db

SPEC_FILE = Path(__file__).resolve().parent / "spec" / "openapi.yaml"


class ConnectionResolver(Resolver):
    """Resolves operationIds to handlers, each run inside its own database connection."""

    def resolve_function_from_operation_id(self, operation_id):
        handler = super().resolve_function_from_operation_id(operation_id)
        # Connexion's AsyncApp rebuilds its decorators, and so inspects the handler, on every request.
        handler.__signature__ = inspect.signature(handler)
        return db.with_connection(handler)


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


def load_spec(settings: Settings) -> dict:
    """The spec as this deployment serves it: with BITRIX_ALLOW_HTTP, portal URLs may be http://."""
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    if settings.bitrix_allow_http:
        body = spec["paths"]["/bitrix/account"]["post"]["requestBody"]["content"]["application/json"]
        url = body["schema"]["properties"]["client_bitrix_url"]
        url["pattern"] = url["pattern"].replace("^https://", "^https?://")
    return spec


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
    spec = load_spec(settings)
    app = AsyncApp(__name__, security_map=security_map(TokenVerifier(settings)),
                   lifespan=embedded_worker(settings))
    app.add_api(spec, resolver=ConnectionResolver(), strict_validation=True,
                pythonic_params=True,
                swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"))
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
