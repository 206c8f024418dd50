"""Reading the parameters of legacy ``crm.*`` methods, with their error texts."""
from ..envelope import legacy_error


def must_be_array(params: dict, name: str) -> dict:
    """A mapping parameter (absent = empty), or the legacy 400 "Parameter 'x' must be array."."""
    value = params.get(name)
    if value in ("", None) or value == []:
        return {}
    if not isinstance(value, dict):
        raise legacy_error(f"Parameter '{name}' must be array.")
    return value


def entity_id(params: dict) -> int:
    """The ``id`` parameter (``ID`` also accepted), or the legacy 400 for a missing or bad one."""
    raw = params.get("id", params.get("ID"))
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value <= 0:
        raise legacy_error("ID is not defined or invalid.")
    return value
