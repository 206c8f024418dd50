"""What each kind of job does, and what happens to it when its portal cannot be used."""
import dataclasses
import functools
from collections.abc import Callable

from service import delivery, portal_client, sync

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
    current = portal_client.stored_tokens(ctx, job.member_id)
    if current is not None:
        portal_client.refresh_stored(ctx, job.member_id, current, portal_client.oauth_client(ctx.settings))


def registry() -> dict[str, Kind]:
    table = {kind: Kind(functools.partial(_sync, kind.removeprefix(sync.JOB_PREFIX)))
             for kind in sync.JOB_KINDS}
    table["refresh_tokens"] = Kind(_refresh_tokens)
    table[delivery.JOB_KIND] = Kind(delivery.run_job, HOLD, delivery.hold)
    return table
