"""``event.bind``, ``event.get`` and ``event.unbind``: the app's event handlers on the portal.

The rest module declares them in its global scope (any token may call them: ``modules/rest/lib/
api/event.php``), only with an application's OAuth token, never a webhook's. Event names are
upper-cased; ``event.bind`` answers ``true``, ``event.get`` the list of handlers, ``event.unbind``
``{"count": n}`` (``api-reference/events/event-*.md``).
"""
from ..envelope import BitrixError
from .registry import BASIC, method

# Events the fake knows, with the scope each needs (the app's own lifecycle events need none).
KNOWN_EVENTS = {
    "ONAPPINSTALL": None, "ONAPPUNINSTALL": None, "ONAPPUPDATE": None, "ONAPPTEST": None,
    "ONAPPPAYMENT": None, "ONCRMLEADADD": "crm", "ONCRMLEADUPDATE": "crm", "ONCRMDEALADD": "crm",
    "ONCRMDEALUPDATE": "crm", "ONCRMCONTACTADD": "crm", "ONCRMCOMPANYADD": "crm", "ONUSERADD": "user",
}


def _argument(params: dict, name: str) -> str:
    value = next((value for key, value in params.items() if key.upper() == name), "")
    if value in ("", None) or not isinstance(value, str):
        raise BitrixError(400, "ERROR_ARGUMENT", f"Argument '{name}' is null or empty")
    return value


def _auth_type(params: dict) -> int | None:
    raw = next((value for key, value in params.items() if key.upper() == "AUTH_TYPE"), None)
    try:
        return None if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        return 0


def _application_only(call) -> None:
    if call.scopes is None:
        raise BitrixError(403, "WRONG_AUTH_TYPE", "Current authorization type is denied for this method")


@method("event.bind", scope=BASIC)
def event_bind(call, params: dict):
    _application_only(call)
    event = _argument(params, "EVENT").upper()
    handler = _argument(params, "HANDLER")
    needs = KNOWN_EVENTS.get(event, "unknown")
    if needs == "unknown" or (needs is not None and needs not in call.scopes):
        raise BitrixError(400, "ERROR_EVENT_NOT_FOUND", "Event not found")
    if call.portal.bind_event(event, handler, _auth_type(params) or 0) is None:
        raise BitrixError(400, "ERROR_CORE", "Unable to set event handler: Handler already binded")
    return True


@method("event.get", scope=BASIC)
def event_get(call, params: dict):
    _application_only(call)
    return [{"event": bound["event"], "handler": bound["handler"], "auth_type": str(bound["auth_type"]),
             "offline": 0} for bound in call.portal.event_handlers]


@method("event.unbind", scope=BASIC)
def event_unbind(call, params: dict):
    _application_only(call)
    event = _argument(params, "EVENT").upper()
    handler = _argument(params, "HANDLER")
    return {"count": call.portal.unbind_events(event, handler, _auth_type(params))}
