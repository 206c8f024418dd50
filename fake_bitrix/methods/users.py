"""``user.get``, ``user.current``, ``profile``, ``department.get`` and ``app.info``."""
from ..envelope import BitrixError
from ..listing import conditions, ordering, page, start_of
from .registry import BASIC, method

# user.get takes filter keys at the top level too; these top-level keys are not filters.
_USER_GET_PARAMS = {"sort", "order", "filter", "admin_mode", "select", "start", "image_resize"}


@method("user.get", scope="user")
def user_get(call, params: dict):
    flt = {}
    for key, value in params.items():
        if key.lower() == "filter" and isinstance(value, dict):
            flt.update(value)
        elif key.lower() not in _USER_GET_PARAMS:
            flt[key] = value
    sort, direction = _param(params, "sort"), _param(params, "order")
    order = ordering(direction) if isinstance(direction, dict) else {}
    if not order and (sort or direction):
        order = {str(sort or "ID").upper(): str(direction or "ASC").upper()}
    return page(call.portal.data.users, conditions(flt), order, start_of(params))


def _param(params: dict, name: str):
    return params.get(name, params.get(name.upper()))


def _current_user(call) -> dict:
    user = call.portal.data.user(call.user_id)
    if user is None:
        raise BitrixError(401, "authorization_error", "Unable to authorize user")
    return user


@method("user.current", scope="user")
def user_current(call, params: dict):
    return _current_user(call)


@method("profile", scope=BASIC)
def profile(call, params: dict):
    user = _current_user(call)
    return {"ID": user["ID"], "ADMIN": user["ID"] == "1", "NAME": user["NAME"],
            "LAST_NAME": user["LAST_NAME"], "PERSONAL_GENDER": user.get("PERSONAL_GENDER", ""),
            "PERSONAL_PHOTO": "", "TIME_ZONE": "", "TIME_ZONE_OFFSET": 10800}


@method("department.get", scope="department")
def department_get(call, params: dict):
    flt = {key: value for key, value in params.items() if key.lower() not in {"sort", "order", "start"}}
    return page(call.portal.data.departments, conditions(flt), {}, start_of(params))


@method("app.info", scope=BASIC)
def app_info(call, params: dict):
    return call.portal.data.app
