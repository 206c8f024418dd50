"""Prometheus metrics, served at /metrics.

Each application context owns one `Metrics` with a registry of its own. Counters and histograms
are per process unless PROMETHEUS_MULTIPROC_DIR is set (gunicorn with several workers, see the
README); queue depth, oldest job age and stale portals are read from the database at scrape time,
so every process reports the same shared truth.
"""
import logging

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)


class Metrics:
    def __init__(self, multiprocess_dir: str = ""):
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Histogram("http_request_duration_seconds", "API request latency", ["operation", "status"],
                                  buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
                                  registry=registry)
        self.bitrix_calls = Counter("bitrix_calls_total", "Bitrix24 REST requests", ["method", "outcome"],
                                    registry=registry)
        self.bitrix_seconds = Histogram("bitrix_call_duration_seconds", "Bitrix24 REST request latency",
                                        ["method"], registry=registry)
        self.limiter_wait = Counter("bitrix_limiter_wait_seconds_total",
                                    "Time spent waiting for a portal's request bucket", registry=registry)
        self.jobs = Counter("jobs_finished_total", "Background jobs by kind and outcome", ["kind", "outcome"],
                            registry=registry)
        self.synced_rows = Counter("sync_rows_written_total", "Rows written by syncs", ["list", "change"],
                                   registry=registry)
        self.deliveries = Counter("deliveries_finished_total", "Quiz result deliveries by outcome", ["outcome"],
                                  registry=registry)
        self.delivery_errors = Counter("delivery_internal_errors_total",
                                       "Quiz results ended by an unexpected error in the service, by stage",
                                       ["stage"], registry=registry)
        registry.register(DatabaseGauges())

    def observe_request(self, operation: str, status: int, seconds: float) -> None:
        self.requests.labels(operation or "unrouted", str(status)).observe(seconds)

    def observe_bitrix_call(self, method: str, outcome: str, seconds: float, waited: float = 0.0) -> None:
        self.bitrix_calls.labels(method, outcome).inc()
        self.bitrix_seconds.labels(method).observe(seconds)
        if waited:
            self.limiter_wait.inc(waited)

    def exposition(self) -> tuple[bytes, str]:
        """The metrics page: this context's, or all processes' in multiprocess mode."""
        registry = self.registry
        if self.multiprocess_dir:
            from prometheus_client import multiprocess
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)
            registry.register(DatabaseGauges())
        return generate_latest(registry), CONTENT_TYPE_LATEST


class DatabaseGauges:
    """Queue depth and oldest queued job by kind, stale portals: read when scraped."""

    @staticmethod
    def describe():
        # Registering asks for the names; without this it would collect, i.e. query the database.
        return [GaugeMetricFamily("jobs_queued", "Queued jobs", labels=["kind"]),
                GaugeMetricFamily("jobs_oldest_queued_age_seconds", "Age of the oldest queued job",
                                  labels=["kind"]),
                GaugeMetricFamily("portals_stale", "Portals whose tokens stopped working")]

    def collect(self):
        from storage import job_queue, portals
        from storage.db import connection
        depth, age, stale = self.describe()
        try:
            with connection():
                for kind, (count, oldest) in job_queue.depth_by_kind().items():
                    depth.add_metric([kind], count)
                    age.add_metric([kind], oldest)
                stale.add_metric([], portals.count_stale())
        except Exception as error:  # noqa: BLE001 - a scrape must not fail because the database is down
            log.warning("metrics: database gauges unavailable (%s)", type(error).__name__)
            return []
        return [depth, age, stale]
