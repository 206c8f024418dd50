"""The fast full scan: `order ID ASC` + filter `>ID` = last ID seen + `start=-1` (no counting).

The next page's filter depends on the last ID of the previous page, which is unknown until that
page is read. Inside one `batch` the sub-calls run in order and may refer to earlier results, so
page k+1 can say `>ID=$result[k][49][ID]`: the reference is valid exactly while every earlier
page was full, and the first short page ends the scan; what later sub-calls return (a broken
reference, an error, a repeated page) is discarded. That reads 2,500 items per request instead of
50. The sub-calls after the short page are speculative: the portal runs them all the same, and
each counts against the method's operating-time budget. So the batches grow with the evidence
(`SPECULATION`): the first one after the first page asks for 10 pages, later ones for 50; a list
of 60 items wastes 8 sub-calls instead of 48, for one more request than all-50 batches on lists
of more than 550 items. `batched=False` reads one page per request. Items come in ascending ID
order; the caller's `order` is replaced.
"""

from __future__ import annotations

from collections.abc import Mapping

from .batch import MAX_COMMANDS
from .pages import PAGE_SIZE, items_of

#: pages asked for by the first batch, the second, ... (the last size repeats)
SPECULATION = (10, MAX_COMMANDS)
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
                    id_field: str = "ID", batched: bool = True, speculation=SPECULATION) -> list:
    """Every item of a list method by the `>ID` scan, in ascending `id_field` order."""
    params = dict(params or {})
    params.pop("start", None)
    page = items_of(client.request(method, page_params(method, params, id_field, 0))["result"], key)
    items = list(page)
    batches = 0
    while len(page) >= PAGE_SIZE:
        last = page[-1][id_field]
        if not batched:
            answer = client.request(method, page_params(method, params, id_field, last))
            page = items_of(answer["result"], key)
            items.extend(page)
            continue
        pages = min(MAX_COMMANDS, speculation[min(batches, len(speculation) - 1)])
        page = _batch_of_pages(client, method, params, key, id_field, last, items, pages)
        batches += 1
    return items


def _batch_of_pages(client, method, params, key, id_field, last, items, pages) -> list:
    """Read up to `pages` pages after `last` in one batch, add them to `items`; return the final page."""
    path = f"[{key}]" if key else ""
    commands = {}
    for index in range(pages):
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
