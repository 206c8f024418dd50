"""What each kind of job does, and what happens to it when its portal cannot be used."""
import dataclasses
import functools
from collections.abc import Callable

from service import delivery, event_binding, portal_client, sync

CANCEL, HOLD = "cancel", "hold"


@dataclasses.dataclass(frozen=True)
class Kind:
    run: Callable  # (ctx, job) -> None
    when_portal_unusable: str = CANCEL
    on_hold: Callable | None = None  # (job, reason) -> None, after the job is held


def _sync(name, ctx, job):
    sync.run(ctx, name, job.member_id)


def _refresh_tokens(ctx, job):
    """Refresh a portal's pair before the refresh token's 180 days run out."""
    portal_client.refresh_now(ctx, job.member_id)


def registry() -> dict[str, Kind]:
    table = {kind: Kind(functools.partial(_sync, kind.removeprefix(sync.JOB_PREFIX)))
             for kind in sync.JOB_KINDS}
    table["refresh_tokens"] = Kind(_refresh_tokens)
    table[event_binding.JOB_KIND] = Kind(event_binding.run_job)
    table[delivery.JOB_KIND] = Kind(delivery.run_job, HOLD, delivery.hold)
    return table
