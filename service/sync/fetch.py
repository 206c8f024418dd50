"""Reading the portal's dictionaries and turning them into rows of our tables.

Each list is read in as few requests as batching allows: users by the `>ID` scan (50 uncounted
pages, 2,500 users, per request), statuses by counted pages packed 50 to a batch, pipelines and
user fields with one batch for all entity types and then their further pages 50 to a batch. A
portal that refuses one entity type (not supported, method unknown) skips it.
"""
import logging
import re

from bitrix_client import MethodNotFound
from bitrix_client.batch import MAX_COMMANDS
from bitrix_client.pages import PAGE_SIZE, items_of
from service.sync.field_types import spec_type

log = logging.getLogger(__name__)

# The spec's IntegerEntityType members; the portal refuses some of them (leads, quotes, ...).
PIPELINE_ENTITY_TYPES = (1, 2, 3, 4, 5, 7, 8, 31)
# user field list methods by the spec's FieldsType member they fill
USERFIELD_METHODS = {
    "CRM_LEAD": "crm.lead.userfield.list",
    "CRM_DEAL": "crm.deal.userfield.list",
    "CRM_CONTACT": "crm.contact.userfield.list",
    "CRM_COMPANY": "crm.company.userfield.list",
    "CRM_INVOICE": "crm.invoice.userfield.list",
    "CRM_REQUISITE": "crm.requisite.userfield.list",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def users(client, settings) -> list[dict]:
    """Active users as PortalUser rows."""
    # The >ID scan: counted offset pages cost the portal a count and a skip each (O(N) apiece).
    items = client.fetch_all_by_id("user.get", {"FILTER": {"ACTIVE": True}})
    return [_user(item) for item in items if item.get("ACTIVE") in (True, "Y", "true", 1, None)]


def _user(item: dict) -> dict:
    email = (item.get("EMAIL") or "").strip()
    departments = item.get("UF_DEPARTMENT") or []
    return {
        "bitrix_id": str(item["ID"]),
        "name": item.get("NAME") or "",
        "last_name": item.get("LAST_NAME") or "",
        "second_name": item.get("SECOND_NAME") or "",
        "title": item.get("TITLE") or "",
        "email": email if _EMAIL.match(email) else "",
        "departments": [int(d) for d in departments if str(d).lstrip("-").isdigit()],
        "work_position": item.get("WORK_POSITION") or "",
        "active": True,
    }


def pipelines(client, settings) -> list[dict]:
    """Pipelines of every entity type the portal supports, as Pipeline rows."""
    commands = {entity: ("crm.category.list", {"entityTypeId": entity}) for entity in PIPELINE_ENTITY_TYPES}
    rows = []
    for entity, items in _batched_lists(client, commands, "categories").items():
        rows += [{"entity_type_id": entity, "bitrix_id": int(item["id"]), "name": item.get("name") or "",
                  "sort": int(item.get("sort") or 0), "is_default": item.get("isDefault") == "Y"}
                 for item in items]
    return rows


def crm_mode(client) -> int:
    """1 for classic CRM (with leads), 2 for simple CRM (without leads)."""
    try:
        mode = client.call("crm.settings.mode.get")
    except MethodNotFound:
        return 1  # a portal too old to have the simple mode
    return 2 if str(mode).strip() == "2" else 1


def steps(client, settings) -> list[dict]:
    """Every status of every dictionary (lead statuses, sources, types, stages), as Step rows."""
    return [_step(item) for item in client.fetch_all("crm.status.list", {"order": {"ID": "ASC"}})]


def _step(item: dict) -> dict:
    entity = item.get("ENTITY_ID") or ""
    category = item.get("CATEGORY_ID")
    if category not in (None, ""):
        pipeline = int(category)
    else:
        # The default deal pipeline's stages carry no CATEGORY_ID; its id is 0.
        pipeline = 0 if entity == "DEAL_STAGE" else None
    extra = item.get("EXTRA") if isinstance(item.get("EXTRA"), dict) else {}
    return {
        "bitrix_id": str(item["ID"]),
        "entity_id": entity,
        "status_id": item.get("STATUS_ID") or "",
        "name": item.get("NAME") or "",
        "name_init": item.get("NAME_INIT") or "",
        "color": item.get("COLOR") or extra.get("COLOR") or "",
        "pipeline_id": pipeline,
        "sort": int(item.get("SORT") or 0),
        "semantics": item.get("SEMANTICS") or "",
    }


def fields(client, settings) -> list[dict]:
    """User fields of leads, deals, contacts, companies (and more where offered), as Field rows."""
    lang = {"LANG": settings.field_labels_language}
    commands = {entity: (method, {"filter": lang}) for entity, method in USERFIELD_METHODS.items()}
    rows = []
    for entity, items in _batched_lists(client, commands, None).items():
        for item in items:
            row = _field(entity, item)
            if row is not None:
                rows.append(row)
    return rows


def _field(entity: str, item: dict) -> dict | None:
    kind = spec_type(item.get("USER_TYPE_ID"))
    if kind is None:
        return None
    label = next((item.get(k) for k in ("EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL")
                  if isinstance(item.get(k), str) and item.get(k).strip()), item.get("FIELD_NAME"))
    return {
        "bitrix_id": str(item["ID"]),
        "entity_id": item.get("ENTITY_ID") or entity,
        "field_name": item.get("FIELD_NAME") or "",
        "label": label or "",
        "field_type": kind,
        "bitrix_type": item.get("USER_TYPE_ID") or "",
        "multiple": item.get("MULTIPLE") == "Y",
        "mandatory": item.get("MANDATORY") == "Y",
        "items": [{"id": str(entry.get("ID")), "value": entry.get("VALUE") or ""}
                  for entry in item.get("LIST") or []],
    }


def _batched_lists(client, commands: dict, list_key) -> dict:
    """First pages of several lists in one batch, then the other pages of all of them, 50 a batch."""
    result = client.batch(commands)
    lists, pages = {}, {}
    for key, (method, params) in commands.items():
        error = result.errors.get(key)
        if error is not None and (error.retryable or error.stale):
            raise error
        if error is not None:
            # The portal refuses this entity type (not supported, method unknown, no scope).
            log.info("portal refuses %s for %s: %s, skipped", method, key, error.code or type(error).__name__)
            continue
        lists[key] = items_of(result.results.get(key), list_key)
        following = result.nexts.get(key)
        if following is not None:
            starts = range(int(following), max(int(result.totals.get(key) or 0), int(following) + 1), PAGE_SIZE)
            pages.update({f"{key}_{start}": (key, method, {**params, "start": start}) for start in starts})
    names = list(pages)
    for at in range(0, len(names), MAX_COMMANDS):
        chunk = {name: pages[name][1:] for name in names[at:at + MAX_COMMANDS]}
        answer = client.batch(chunk)
        answer.raise_first()
        for name in chunk:
            key, method, params = pages[name]
            lists[key] += items_of(answer.results.get(name), list_key)
            if answer.nexts.get(name) is not None and pages.get(f"{key}_{answer.nexts[name]}") is None:
                # Rows were added after the first page counted them: read the rest page by page.
                lists[key] += list(client.iter_list(method, {**params, "start": answer.nexts[name]}, list_key))
    return lists
