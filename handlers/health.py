from connexion.lifecycle import ConnexionResponse

from errors import Unavailable
from observability import metrics
from storage import db


def live():
    return "OK"


def ready():
    if not db.is_reachable():
        raise Unavailable("database unavailable")
    return "OK"


def metrics_page():
    body, content_type = metrics.exposition()
    return ConnexionResponse(status_code=200, body=body, content_type=content_type)
