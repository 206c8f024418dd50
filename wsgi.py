"""The app factory and `app`.

Despite its name (kept for deployment conventions), `app` is an ASGI application: serve it
with uvicorn or gunicorn's uvicorn worker, not a WSGI server, and with the service's protocol,
which holds request lines and headers to their limits (web/serving.py):
`uvicorn wsgi:app --http web.serving:LimitedHttpToolsProtocol` or
`gunicorn -k web.serving.UvicornWorker wsgi:app` (what `make run` and `make serve` do).
"""
import contextlib

from connexion.middleware import MiddlewarePosition

from observability import logs
from service.context import Context
from settings import Settings
from storage import db
from web import error_bodies, served_spec, validators
from web.access_log import RequestLog
from web.decorated_once import App
from web.identity import TokenVerifier, security_map
from web.limits import Limits, RequestLimits
from web.request_facts import RecordFacts
from web.routing import HandlerResolver
from worker.runner import start_in_background


def embedded_worker(ctx: Context):
    """Lifespan running the job worker inside this process when RUN_WORKER is on."""
    @contextlib.asynccontextmanager
    async def lifespan(app):
        if not ctx.settings.run_worker:
            yield
            return
        thread, stop = start_in_background(ctx)
        try:
            yield
        finally:
            stop.set()
            # The worker finishes or gives back its jobs within the grace; a little more to write that down.
            thread.join(timeout=ctx.settings.worker_stop_grace_seconds + 5)
    return lifespan


def create_app(settings: Settings | None = None, ctx: Context | None = None) -> App:
    """A Connexion app serving spec/openapi.yaml in `ctx` (or one built from the settings or environment)."""
    settings = ctx.settings if ctx else settings or Settings.from_env()
    logs.configure(settings.log_format, settings.log_level)
    settings.check()
    ctx = ctx or Context.build(settings)
    db.check_connection(settings.database_url)
    if settings.auto_migrate:
        db.migrate()
    spec = served_spec.load_spec(settings)
    app = App(__name__, security_map=security_map(TokenVerifier(settings)), lifespan=embedded_worker(ctx))
    app.add_api(spec, resolver=HandlerResolver(ctx), strict_validation=True, pythonic_params=True,
                swagger_ui_options=served_spec.SWAGGER_UI, validator_map=validators.validator_map())
    served_spec.serve(app, spec)
    # Outside Connexion's exception middleware, so the logged status and the headers are those sent.
    app.add_middleware(RequestLog, position=MiddlewarePosition.BEFORE_EXCEPTION, metrics=ctx.metrics)
    # Inside it, so a refusal is answered by the error handlers; before anything reads the body.
    app.add_middleware(RequestLimits, position=MiddlewarePosition.BEFORE_SWAGGER, limits=Limits(settings))
    # After routing, before security: what the access log and the metrics say about the request.
    app.add_middleware(RecordFacts, position=MiddlewarePosition.BEFORE_SECURITY)
    error_bodies.register(app, spec["paths"])
    return app


def __getattr__(name):
    # `app` is built on first access, so importing create_app (tools, tests) reads no environment.
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(name)
