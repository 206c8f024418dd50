"""Configuration, read from the environment in one place and handed around."""
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bitrix_client import DEFAULT_SERVERS, OAuthServers

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent
DEV_JWT_SECRET = "development-jwt-secret-do-not-use-in-production"
DEV_SECRET_KEY = "development-secret-key-do-not-use-in-production"
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bitrix.db'}"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def _number(env, name: str, default, kind=int):
    """The variable as a number, or a one-line refusal naming it (never a traceback)."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        raise SystemExit(f"{name} must be a {'whole ' if kind is int else ''}number, not {text!r}") from None


@dataclass(frozen=True)
class Settings:
    app_env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str = DEFAULT_DATABASE_URL
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_key: str = ""
    jwt_algorithms: tuple[str, ...] = ()
    jwt_account_claim: str = "sub"
    jwt_issuer: str = ""
    jwt_audience: str = ""
    secret_key: str = DEV_SECRET_KEY
    bitrix_client_id: str = ""
    bitrix_client_secret: str = ""
    # BITRIX_OAUTH_SERVERS; empty: BITRIX_OAUTH_URL alone, else both of Bitrix24's servers (`oauth_servers`)
    bitrix_oauth_servers: tuple[str, ...] = ()
    bitrix_oauth_url: str = ""
    bitrix_redirect_url: str = "/ui/"
    bitrix_allow_http: bool = False
    bitrix_overload_retry_seconds: float = 1800.0
    public_url: str = ""
    run_worker: bool = True
    auto_migrate: bool = True
    db_pool_size: int = 20
    worker_poll_seconds: float = 1.0
    worker_concurrency: int = 16
    worker_stop_grace_seconds: float = 20.0
    job_lease_seconds: float = 120.0
    job_retry_base_seconds: float = 5.0
    job_retry_max_seconds: float = 900.0
    job_max_attempts: int = 8
    delivery_max_attempts: int = 8
    resync_interval_seconds: int = 6 * 3600
    token_refresh_after_days: int = 30
    field_labels_language: str = "ru"
    bitrix_timeout_seconds: float = 30.0
    log_format: str = "text"
    log_level: str = "INFO"
    prometheus_multiproc_dir: str = ""
    max_body_bytes: int = 1024 * 1024
    max_url_bytes: int = 8192
    max_header_bytes: int = 16384
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 30.0

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        """Settings from environment variables, with development defaults."""
        env = os.environ if environ is None else environ
        app_env = env.get("APP_ENV", "development").strip() or "development"
        return cls(
            app_env=app_env,
            host=env.get("HOST", "127.0.0.1"),
            port=_number(env, "PORT", 8080),
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt_secret=env.get("JWT_SECRET") or DEV_JWT_SECRET,
            jwt_public_key=env.get("JWT_PUBLIC_KEY", ""),
            jwt_algorithms=_list(env.get("JWT_ALGORITHMS")),
            jwt_account_claim=env.get("JWT_ACCOUNT_CLAIM") or "sub",
            jwt_issuer=env.get("JWT_ISSUER", ""),
            jwt_audience=env.get("JWT_AUDIENCE", ""),
            secret_key=env.get("SECRET_KEY") or DEV_SECRET_KEY,
            bitrix_client_id=env.get("BITRIX_CLIENT_ID", ""),
            bitrix_client_secret=env.get("BITRIX_CLIENT_SECRET", ""),
            bitrix_oauth_servers=_list(env.get("BITRIX_OAUTH_SERVERS")),
            bitrix_oauth_url=(env.get("BITRIX_OAUTH_URL") or "").strip().rstrip("/"),
            bitrix_redirect_url=env.get("BITRIX_REDIRECT_URL") or "/ui/",
            bitrix_allow_http=_flag(env.get("BITRIX_ALLOW_HTTP"), False),
            bitrix_overload_retry_seconds=_number(env, "BITRIX_OVERLOAD_RETRY_SECONDS", 1800.0, float),
            public_url=(env.get("PUBLIC_URL") or "").strip().rstrip("/"),
            run_worker=_flag(env.get("RUN_WORKER"), True),
            # Production schemas change only through `make migrate`, never as a side effect of start-up.
            auto_migrate=_flag(env.get("AUTO_MIGRATE"), app_env != "production"),
            db_pool_size=_number(env, "DB_POOL_SIZE", 20),
            worker_poll_seconds=_number(env, "WORKER_POLL_SECONDS", 1.0, float),
            worker_concurrency=_number(env, "WORKER_CONCURRENCY", 16),
            worker_stop_grace_seconds=_number(env, "WORKER_STOP_GRACE_SECONDS", 20.0, float),
            job_lease_seconds=_number(env, "JOB_LEASE_SECONDS", 120.0, float),
            job_retry_base_seconds=_number(env, "JOB_RETRY_BASE_SECONDS", 5.0, float),
            job_retry_max_seconds=_number(env, "JOB_RETRY_MAX_SECONDS", 900.0, float),
            job_max_attempts=_number(env, "JOB_MAX_ATTEMPTS", 8),
            delivery_max_attempts=_number(env, "DELIVERY_MAX_ATTEMPTS", 8),
            resync_interval_seconds=_number(env, "RESYNC_INTERVAL_SECONDS", 6 * 3600),
            token_refresh_after_days=_number(env, "TOKEN_REFRESH_AFTER_DAYS", 30),
            field_labels_language=env.get("BITRIX_FIELD_LANG") or "ru",
            bitrix_timeout_seconds=_number(env, "BITRIX_TIMEOUT_SECONDS", 30.0, float),
            log_format=(env.get("LOG_FORMAT") or "text").lower(),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            # prometheus_client reads the variable itself; we read it to serve all processes' metrics.
            prometheus_multiproc_dir=env.get("PROMETHEUS_MULTIPROC_DIR", ""),
            max_body_bytes=_number(env, "MAX_BODY_BYTES", 1024 * 1024),
            max_url_bytes=_number(env, "MAX_URL_BYTES", 8192),
            max_header_bytes=_number(env, "MAX_HEADER_BYTES", 16384),
            header_timeout_seconds=_number(env, "HEADER_TIMEOUT_SECONDS", 10.0, float),
            body_timeout_seconds=_number(env, "BODY_TIMEOUT_SECONDS", 30.0, float),
        )

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @property
    def oauth_servers(self) -> tuple[str, ...]:
        """The OAuth servers that may get the client secret, the default first."""
        if self.bitrix_oauth_servers:
            return self.bitrix_oauth_servers
        return (self.bitrix_oauth_url,) if self.bitrix_oauth_url else DEFAULT_SERVERS

    def worker_connections(self) -> int:
        """Database connections a worker holds at most: one per running job, the claim loop's, the leases'."""
        return self.worker_concurrency + 2

    def api_connections(self) -> int:
        """Database connections an API process needs: DB_POOL_SIZE for requests, plus its embedded worker's."""
        return self.db_pool_size + (self.worker_connections() if self.run_worker else 0)

    def development_secrets(self) -> list[str]:
        """Names of the secrets still at their development defaults."""
        names = []
        if self.jwt_secret == DEV_JWT_SECRET and not self.jwt_public_key:
            names.append("JWT_SECRET")
        if self.secret_key == DEV_SECRET_KEY:
            names.append("SECRET_KEY")
        return names

    def check(self) -> None:
        """Refuse to run production on development secrets or without the app's credentials."""
        dev = self.development_secrets()
        if self.production and dev:
            raise SystemExit(f"APP_ENV=production refuses development secrets: set {', '.join(dev)}")
        if self.production and not (self.bitrix_client_id and self.bitrix_client_secret):
            raise SystemExit("APP_ENV=production needs the Bitrix24 application: set BITRIX_CLIENT_ID and "
                             "BITRIX_CLIENT_SECRET")
        self._check_urls()
        if self.worker_concurrency < 1:
            raise SystemExit(f"WORKER_CONCURRENCY must be at least 1, not {self.worker_concurrency}")
        if self.log_format not in ("text", "json"):
            raise SystemExit(f"LOG_FORMAT must be text or json, not {self.log_format!r}")
        for name in dev:
            log.warning("%s is the built-in development value: not for production", name)

    def _check_urls(self) -> None:
        try:
            OAuthServers(self.oauth_servers)
        except ValueError as error:
            raise SystemExit(f"BITRIX_OAUTH_SERVERS: {error}") from None
        if self.production and any(not url.startswith("https://") for url in self.oauth_servers):
            # The client secret goes to these servers in every token request.
            raise SystemExit("APP_ENV=production needs https:// OAuth servers in BITRIX_OAUTH_SERVERS")
        parts = urlsplit(self.public_url)
        if self.public_url and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query
                                or parts.fragment or "@" in parts.netloc):
            raise SystemExit(f"PUBLIC_URL must be the service's absolute http(s) URL, not {self.public_url!r}")
