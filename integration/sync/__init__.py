"""Copying a portal's users, steps, pipelines and fields into our tables, as background jobs."""
import logging
import time

from errors import Conflict
from integration import portal_client
from integration.sync import fetch
from observability import metrics
from storage import accounts, jobs, portals
from storage.models import Field, Pipeline, PortalUser, Step
from storage.reconcile import reconcile

log = logging.getLogger(__name__)

# list name -> (fetcher, model, natural key)
LISTS = {
    "users": (fetch.users, PortalUser, ("bitrix_id",)),
    "steps": (fetch.steps, Step, ("bitrix_id",)),
    "pipelines": (fetch.pipelines, Pipeline, ("entity_type_id", "bitrix_id")),
    "fields": (fetch.fields, Field, ("bitrix_id",)),
}
JOB_PREFIX = "sync_"
JOB_KINDS = tuple(JOB_PREFIX + name for name in LISTS)


def request(account_id: str, name: str) -> dict:
    """An account asks for a fresh copy of one list: queue its sync (coalescing) and say so."""
    member_id = accounts.connected_member_id(account_id)
    if not portals.is_usable(member_id):
        raise Conflict("the Bitrix24 portal must be connected again: its tokens stopped working")
    jobs.enqueue(member_id, JOB_PREFIX + name)
    return {"list": name, "status": "queued"}


def queue(member_id: str, lists=tuple(LISTS)) -> dict:
    """Queue syncs of these lists (coalescing with ones already queued); says which were added."""
    return {name: jobs.enqueue(member_id, JOB_PREFIX + name) for name in lists}


def run(name: str, member_id: str, settings) -> None:
    """Fetch one list from the portal and reconcile our copy with it."""
    fetcher, model, key = LISTS[name]
    client = portal_client.client_for(member_id, settings)
    started = time.monotonic()
    rows = fetcher(client, settings)
    fetched = time.monotonic()
    counts = reconcile(model, member_id, rows, key)
    for change in ("inserted", "updated", "deleted", "restored"):
        metrics.SYNCED_ROWS.labels(name, change).inc(getattr(counts, change))
    log.info("sync %s portal=%s rows=%d inserted=%d updated=%d deleted=%d restored=%d "
             "fetch_ms=%.0f write_ms=%.0f", name, member_id, len(rows), counts.inserted, counts.updated,
             counts.deleted, counts.restored, (fetched - started) * 1000, (time.monotonic() - fetched) * 1000)
    if counts.deleted:
        _report_broken_rules(member_id)


def _report_broken_rules(member_id: str) -> None:
    from integration.rule_checks import broken_rules
    for quiz_id, problems in broken_rules(member_id):
        log.warning("rule of quiz %s on portal %s points at deleted rows: %s", quiz_id, member_id,
                    "; ".join(problems))
