"""The fast full scan: `order ID ASC` + filter `>ID` = last ID seen + `start=-1` (no counting).

The next page's filter depends on the last ID of the previous page, which is unknown until that
page is read. Inside one `batch` the sub-calls run in order and may refer to earlier results, so
page k+1 can say `>ID=$result[k][49][ID]`: the reference is valid exactly while every earlier
page was full, and the first short page ends the scan; what later sub-calls return (a broken
reference, an error, a repeated page) is discarded. That reads 2,500 items per request instead of
50, at the cost of up to 49 wasted sub-calls in the last batch (cheap without counting, but they
count against the methods' operating-time budget). `batched=False` reads one page per request.
Items come in ascending ID order; the caller's `order` is replaced.
"""

from __future__ import annotations

from collections.abc import Mapping

from .batch import MAX_COMMANDS
from .pages import PAGE_SIZE, items_of

# Methods that sort by top-level SORT/ORDER instead of an `order` map.
_TOP_LEVEL_SORT = {"user.get"}


def page_params(method: str, params: Mapping, id_field: str, after) -> dict:
    """Params for the page of items with `id_field` greater than `after`, uncounted, ascending."""
    params = dict(params)
    filter_key = next((k for k in ("filter", "FILTER") if k in params), "filter")
    filters = {**(params.pop(filter_key, None) or {}), f">{id_field}": after}
    if method in _TOP_LEVEL_SORT:
        for name in ("sort", "order"):
            params.pop(name, None)
        params.update(SORT=id_field, ORDER="ASC")
    else:
        params["order"] = {id_field: "ASC"}
    return {**params, filter_key: filters, "start": -1}


def fetch_all_by_id(client, method: str, params: Mapping | None = None, key: str | None = None, *,
                    id_field: str = "ID", batched: bool = True) -> list:
    """Every item of a list method by the `>ID` scan, in ascending `id_field` order."""
    params = dict(params or {})
    params.pop("start", None)
    page = items_of(client.request(method, page_params(method, params, id_field, 0))["result"], key)
    items = list(page)
    while len(page) >= PAGE_SIZE:
        last = page[-1][id_field]
        if not batched:
            answer = client.request(method, page_params(method, params, id_field, last))
            page = items_of(answer["result"], key)
            items.extend(page)
            continue
        page = _batch_of_pages(client, method, params, key, id_field, last, items)
    return items


def _batch_of_pages(client, method, params, key, id_field, last, items) -> list:
    """Read up to 50 pages after `last` in one batch, add them to `items`; return the final page."""
    path = f"[{key}]" if key else ""
    commands = {}
    for index in range(MAX_COMMANDS):
        after = last if index == 0 else f"$result[s{index - 1}]{path}[{PAGE_SIZE - 1}][{id_field}]"
        commands[f"s{index}"] = (method, page_params(method, params, id_field, after))
    result = client.batch(commands)
    page: list = []
    for command in commands:
        if command in result.errors:
            raise result.errors[command]
        page = items_of(result.results.get(command), key)
        items.extend(page)
        if len(page) < PAGE_SIZE:
            break
    return page
