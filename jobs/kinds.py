"""What each kind of job does, and what happens to it when its portal cannot be used."""
import dataclasses
import functools
from collections.abc import Callable

from integration import delivery, portal_client, sync
from integration.portal_client import oauth_client
from storage import portals

CANCEL, HOLD = "cancel", "hold"


@dataclasses.dataclass(frozen=True)
class Kind:
    run: Callable  # (job, settings) -> None
    when_portal_unusable: str = CANCEL
    on_hold: Callable | None = None  # (job, reason) -> None, after the job is held


def _sync(name, job, settings):
    sync.run(name, job.member_id, settings)


def _refresh_tokens(job, settings):
    """Refresh a portal's pair before the refresh token's 180 days run out."""
    current = portals.load_tokens(job.member_id)
    if current is not None:
        portal_client.refresh_stored(job.member_id, current, oauth_client(settings))


def registry() -> dict[str, Kind]:
    table = {kind: Kind(functools.partial(_sync, kind.removeprefix(sync.JOB_PREFIX)))
             for kind in sync.JOB_KINDS}
    table["refresh_tokens"] = Kind(_refresh_tokens)
    table[delivery.JOB_KIND] = Kind(delivery.run_job, HOLD, delivery.hold)
    return table
