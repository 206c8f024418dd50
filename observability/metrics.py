"""Prometheus metrics, served at /metrics.

Counters and histograms are per process (set PROMETHEUS_MULTIPROC_DIR for gunicorn with several
workers, see the README); queue depth, oldest job age and stale portals are read from the
database at scrape time, so every process reports the same shared truth.
"""
import logging
import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

REQUESTS = Histogram("http_request_duration_seconds", "API request latency", ["operation", "status"],
                     buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
BITRIX_CALLS = Counter("bitrix_calls_total", "Bitrix24 REST requests", ["method", "outcome"])
BITRIX_SECONDS = Histogram("bitrix_call_duration_seconds", "Bitrix24 REST request latency", ["method"])
LIMITER_WAIT = Counter("bitrix_limiter_wait_seconds_total", "Time spent waiting for a portal's request bucket")
JOBS = Counter("jobs_finished_total", "Background jobs by kind and outcome", ["kind", "outcome"])
SYNCED_ROWS = Counter("sync_rows_written_total", "Rows written by syncs", ["list", "change"])
DELIVERIES = Counter("deliveries_finished_total", "Quiz result deliveries by outcome", ["outcome"])


def observe_request(operation: str, status: int, seconds: float) -> None:
    REQUESTS.labels(operation or "unrouted", str(status)).observe(seconds)


def observe_bitrix_call(method: str, outcome: str, seconds: float, waited: float = 0.0) -> None:
    BITRIX_CALLS.labels(method, outcome).inc()
    BITRIX_SECONDS.labels(method).observe(seconds)
    if waited:
        LIMITER_WAIT.inc(waited)


class DatabaseGauges:
    """Queue depth and oldest queued job by kind, stale portals: read when scraped."""

    def collect(self):
        from storage import jobs
        from storage.db import database
        from storage.models import Portal
        depth = GaugeMetricFamily("jobs_queued", "Queued jobs", labels=["kind"])
        age = GaugeMetricFamily("jobs_oldest_queued_age_seconds", "Age of the oldest queued job", labels=["kind"])
        stale = GaugeMetricFamily("portals_stale", "Portals whose tokens stopped working")
        try:
            with database.connection_context():
                for kind, (count, oldest) in jobs.depth_by_kind().items():
                    depth.add_metric([kind], count)
                    age.add_metric([kind], oldest)
                stale.add_metric([], Portal.select().where(Portal.stale == True).count())  # noqa: E712
        except Exception as error:  # noqa: BLE001 - a scrape must not fail because the database is down
            log.warning("metrics: database gauges unavailable (%s)", type(error).__name__)
            return []
        return [depth, age, stale]


_registered = False


def install() -> None:
    """Register the database gauges once per process."""
    global _registered
    if not _registered:
        REGISTRY.register(DatabaseGauges())
        _registered = True


def exposition() -> tuple[bytes, str]:
    """The metrics page: this process's, or all processes' in multiprocess mode."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(DatabaseGauges())
    return generate_latest(registry), CONTENT_TYPE_LATEST
