"""Reading list methods: lazily page by page, or all at once with the pages packed into batches.

Page size is fixed at 50 by the portal. `fetch_all` asks the first page for `total` and then
requests every remaining page by offset, 50 pages per `batch`: N items cost about
ceil(N / 2500) + 1 requests. Offsets shift when rows are added or removed during the read, and
counting gets slow on very large sets, so above `scan_above` items it switches to the `>ID` scan
(see `scan.py`), which neither counts nor uses offsets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .batch import MAX_COMMANDS
from .pages import PAGE_SIZE, items_of
from .scan import fetch_all_by_id

SCAN_ABOVE = 100_000


def iter_list(client, method: str, params: Mapping | None = None, key: str | None = None) -> Iterator:
    """Yield every item of a list method, requesting the next page only when it is needed."""
    params = dict(params or {})
    start = params.pop("start", 0)
    while True:
        answer = client.request(method, {**params, "start": start})
        yield from items_of(answer["result"], key)
        following = answer.get("next")
        if following is None:
            return
        if int(following) <= int(start):
            raise ValueError(f"{method}: `next` does not advance ({start} -> {following})")
        start = following


def fetch_all(client, method: str, params: Mapping | None = None, key: str | None = None, *,
              id_field: str | None = "ID", scan_above: int = SCAN_ABOVE) -> list:
    """Every item of a list method, in the caller's order, with the pages after the first batched.

    Above `scan_above` items (and when `id_field` is given) it reads by the `>ID` scan instead,
    in ascending `id_field` order.
    """
    params = dict(params or {})
    params.pop("start", None)
    first = client.request(method, {**params, "start": 0})
    items = items_of(first["result"], key)
    following = first.get("next")
    if following is None:
        return items
    total = int(first.get("total") or 0)
    if id_field and total > scan_above:
        return fetch_all_by_id(client, method, params, key, id_field=id_field)
    starts = list(range(int(following), total, PAGE_SIZE))
    for chunk_at in range(0, len(starts), MAX_COMMANDS):
        commands = {f"p{start}": (method, {**params, "start": start})
                    for start in starts[chunk_at:chunk_at + MAX_COMMANDS]}
        result = client.batch(commands)
        result.raise_first()
        for command in commands:
            items.extend(items_of(result.results.get(command), key))
        following = result.nexts.get(command)
    if following is not None:
        # Rows were added after the first page counted them: read the rest page by page.
        items.extend(iter_list(client, method, {**params, "start": following}, key))
    return items
