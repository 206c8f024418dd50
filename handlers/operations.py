from connexion.lifecycle import ConnexionResponse

from errors import Unavailable
from storage import db


def check_liveness():
    return "OK"


def check_readiness():
    if not db.is_reachable():
        raise Unavailable("database unavailable")
    return "OK"


def get_metrics(ctx):
    body, content_type = ctx.metrics.exposition()
    return ConnexionResponse(status_code=200, body=body, content_type=content_type)
