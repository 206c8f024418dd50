"""Copying a portal's users, steps, pipelines and fields into our tables, as background jobs."""
import logging
import time

from errors import Conflict
from service import portal_client
from service.sync import fetch
from storage import accounts, job_queue, portals
from storage.reconcile import reconcile

log = logging.getLogger(__name__)

# list name -> what reads it from the portal (storage.reconcile knows where it is kept)
LISTS = {"users": fetch.users, "steps": fetch.steps, "pipelines": fetch.pipelines, "fields": fetch.fields}
JOB_PREFIX = "sync_"
JOB_KINDS = tuple(JOB_PREFIX + name for name in LISTS)


def request(ctx, account_id: str, name: str) -> dict:
    """An account asks for a fresh copy of one list: queue its sync (coalescing) and say so."""
    member_id = accounts.connected_member_id(account_id)
    if not portals.is_usable(member_id):
        raise Conflict("the Bitrix24 portal must be connected again: its tokens stopped working")
    job_queue.enqueue(member_id, JOB_PREFIX + name)
    return {"list": name, "status": "queued"}


def queue(member_id: str, lists=tuple(LISTS)) -> dict:
    """Queue syncs of these lists (coalescing with ones already queued); says which were added."""
    return {name: job_queue.enqueue(member_id, JOB_PREFIX + name) for name in lists}


def run(ctx, name: str, member_id: str) -> None:
    """Fetch one list from the portal and reconcile our copy with it."""
    client = portal_client.client_for(ctx, member_id)
    started = time.monotonic()
    rows = LISTS[name](client, ctx.settings)
    fetched = time.monotonic()
    counts = reconcile(name, member_id, rows)
    if name == "pipelines":
        # Whether the portal has leads at all decides what a rule may create: kept beside its pipelines.
        portals.set_crm_mode(member_id, fetch.crm_mode(client))
    for change in ("inserted", "updated", "deleted", "restored"):
        ctx.metrics.synced_rows.labels(name, change).inc(getattr(counts, change))
    log.info("sync %s portal=%s rows=%d inserted=%d updated=%d deleted=%d restored=%d "
             "fetch_ms=%.0f write_ms=%.0f", name, member_id, len(rows), counts.inserted, counts.updated,
             counts.deleted, counts.restored, (fetched - started) * 1000, (time.monotonic() - fetched) * 1000)
    if counts.deleted:
        _report_broken_rules(member_id)


def _report_broken_rules(member_id: str) -> None:
    from service.rule_checks import broken_rules
    for quiz_id, problems in broken_rules(member_id):
        log.warning("rule of quiz %s on portal %s points at deleted rows: %s", quiz_id, member_id,
                    "; ".join(problems))
