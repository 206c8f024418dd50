"""Pipelines and dictionaries: ``crm.category.list`` and ``crm.status.list``."""
from ..envelope import BitrixError
from ..listing import conditions, ordering, page, start_of
from .registry import method

# Entity types that exist but have no pipelines (lead, old invoice, quote, requisite, order).
_WITHOUT_CATEGORIES = {1: "LEAD", 5: "INVOICE", 7: "QUOTE", 8: "REQUISITE", 14: "ORDER"}


@method("crm.category.list", scope="crm")
def category_list(call, params: dict):
    raw = params.get("entityTypeId", params.get("entityTypeID"))
    if raw in (None, ""):
        raise BitrixError(400, "100", "Could not find value for parameter {entityTypeId}")
    try:
        entity_type_id = int(raw)
    except (TypeError, ValueError):
        raise BitrixError(400, "INVALID_ARG_VALUE", "Invalid value for parameter {entityTypeId}") from None
    if entity_type_id in _WITHOUT_CATEGORIES:
        raise BitrixError(400, "ENTITY_TYPE_NOT_SUPPORTED",
                          f"Entity type {_WITHOUT_CATEGORIES[entity_type_id]} is not supported")
    categories = call.portal.data.categories.get(entity_type_id)
    if categories is None:
        raise BitrixError(400, "NOT_FOUND", "Smart process not found")
    order = ordering(params.get("order") or {"sort": "ASC", "id": "ASC"}, upper=False)
    flt = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    return page(categories, conditions(flt, upper=False), order, start_of(params), id_field="id",
                key="categories")


@method("crm.status.list", scope="crm")
def status_list(call, params: dict):
    flt, order = params.get("filter", {}), params.get("order", {})
    if not isinstance(flt, dict) or not isinstance(order, dict):
        raise BitrixError(400, "Invalid parameters.", "Invalid parameters.")
    return page(call.portal.data.statuses, conditions(flt), ordering(order), start_of(params))

