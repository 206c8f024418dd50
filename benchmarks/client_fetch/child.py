"""What a fetch child sends back: items, wall time and memory, as one JSON line on stdout.

Stdlib only: the children run in different virtualenvs (ours, fast_bitrix24's).
"""
import json
import re
import resource
import sys
import time
from pathlib import Path


def rss_mb() -> float:
    """This process's resident set now (VmRSS)."""
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024


def order() -> dict:
    """The job the parent sent on stdin."""
    return json.load(sys.stdin)


def timed(fetch) -> dict:
    """Run `fetch()` (returns the items) and measure it; the client is built and imported before."""
    before = rss_mb()
    started = time.perf_counter()
    items = fetch()
    seconds = time.perf_counter() - started
    ids = {str(item["ID"]) for item in items}
    return {"items": len(items), "unique_ids": len(ids), "seconds": seconds, "rss_before_mb": before,
            # ru_maxrss: the peak of this whole child (interpreter + imports + fetch), KiB on Linux
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def send(result: dict) -> None:
    """Hand the result to the parent."""
    print(json.dumps(result), flush=True)
