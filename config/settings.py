"""Every setting the service reads from the environment, read in this one place."""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from src.domain.errors import SettingsError

T = TypeVar("T", int, float)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'lookup.db'}"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    config_module: str = "config.example"
    llm_query_timeout: float = 10.0
    batch_query_timeout: float = 300.0
    """Seconds per product for batch work (`evaluate`, `enrich`), which waits its turn at the
    model."""
    lookup_workers: int = 256
    few_shot_k: int = 3
    llm_max_retries: int = 2
    db_pool_size: int = 20
    lookup_cache: bool = True
    lookup_cache_ttl: float | None = None
    catalogue_refresh_seconds: float = 1.0
    """How often a process holding an SQLite catalogue in memory checks that it is current."""
    keyless_recheck_seconds: float = 1.0
    """While no API key exists, how long a process goes by that before asking the database again."""
    purge_interval_seconds: float = 60.0
    """How often a server process deletes expired cache answers and rate-limit counts; 0: never."""
    purge_batch_rows: int = 1000
    """At most this many rows of each kind per purge pass."""
    metrics_multiprocess: bool = False
    max_description_chars: int = 10_000
    max_fields: int = 100
    max_body_bytes: int = 1_048_576
    reviewed_decisions_win: bool = False
    """A reviewer's decision that disagrees with the catalogue's own (provisioned) label replaces
    it at once; off: the label teaches until an admin accepts the correction."""
    rate_limit_per_minute: int = 0
    """Requests per minute per API key (per client address while no key exists); 0: no limit."""
    failed_auth_per_minute: int = 20
    """Failed authentications per minute per client address, past which it is refused (429); 0: no
    limit."""
    redis_url: str | None = None
    """Where the rate limit counts requests; the database when unset."""
    cors_origins: tuple[str, ...] = ()
    backend_failure_threshold: int = 5
    """Failed calls in a row after which a backend is skipped for `backend_cooldown_seconds`."""
    backend_cooldown_seconds: float = 30.0
    max_upload_bytes: int = 100 * 1_048_576
    """The largest catalogue POST /api/jobs takes."""
    usage_flush_seconds: float = 1.0
    """How often a process writes what its keys spent (a job's worker also after each product)."""
    job_chunk_size: int = 10
    """Products per task of a catalogue job."""
    job_concurrency: int = 4
    """Without REDIS_URL: the API process's threads that run job chunks (products in flight)."""
    job_visibility_seconds: float = 30.0
    """With REDIS_URL: after this long unacknowledged, a task is given to another worker."""
    webhook_allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    """Private networks whose addresses a job's webhook may reach (none: public addresses only).
    A cloud metadata address stays refused whatever this says."""
    webhook_deadline_seconds: float = 10.0
    """The whole of one webhook delivery attempt: resolving, connecting, sending and the answer's
    headers."""
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The whole environment, for config modules that read their own variables."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            config_module=env.get("CONFIG_MODULE") or "config.example",
            llm_query_timeout=_number(env, "LLM_QUERY_TIMEOUT", 10.0, float, minimum=0.01),
            batch_query_timeout=_number(env, "BATCH_QUERY_TIMEOUT", 300.0, float, minimum=0.01),
            lookup_workers=_number(env, "LOOKUP_WORKERS", 256, int, minimum=1),
            few_shot_k=_number(env, "FEW_SHOT_K", 3, int, minimum=0),
            llm_max_retries=_number(env, "LLM_MAX_RETRIES", 2, int, minimum=0),
            db_pool_size=_number(env, "DB_POOL_SIZE", 20, int, minimum=1),
            lookup_cache=_switch(env, "LOOKUP_CACHE", True),
            lookup_cache_ttl=_number(env, "LOOKUP_CACHE_TTL", 0.0, float, minimum=0) or None,
            catalogue_refresh_seconds=_number(
                env, "CATALOGUE_REFRESH_SECONDS", 1.0, float, minimum=0
            ),
            keyless_recheck_seconds=_number(env, "KEYLESS_RECHECK_SECONDS", 1.0, float, minimum=0),
            purge_interval_seconds=_number(env, "PURGE_INTERVAL_SECONDS", 60.0, float, minimum=0),
            purge_batch_rows=_number(env, "PURGE_BATCH_ROWS", 1000, int, minimum=1),
            metrics_multiprocess=bool(env.get("PROMETHEUS_MULTIPROC_DIR")),
            max_description_chars=_number(env, "MAX_DESCRIPTION_CHARS", 10_000, int, minimum=1),
            max_fields=_number(env, "MAX_FIELDS", 100, int, minimum=1),
            max_body_bytes=_number(env, "MAX_BODY_BYTES", 1_048_576, int, minimum=1024),
            reviewed_decisions_win=_switch(env, "REVIEWED_DECISIONS_WIN", False),
            rate_limit_per_minute=_number(env, "RATE_LIMIT_PER_MINUTE", 0, int, minimum=0),
            failed_auth_per_minute=_number(env, "FAILED_AUTH_PER_MINUTE", 20, int, minimum=0),
            redis_url=env.get("REDIS_URL", "").strip() or None,
            cors_origins=tuple(
                o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()
            ),
            backend_failure_threshold=_number(env, "BACKEND_FAILURE_THRESHOLD", 5, int, minimum=1),
            backend_cooldown_seconds=_number(
                env, "BACKEND_COOLDOWN_SECONDS", 30.0, float, minimum=0
            ),
            max_upload_bytes=_number(env, "MAX_UPLOAD_BYTES", 100 * 1_048_576, int, minimum=1024),
            usage_flush_seconds=_number(env, "USAGE_FLUSH_SECONDS", 1.0, float, minimum=0),
            job_chunk_size=_number(env, "JOB_CHUNK_SIZE", 10, int, minimum=1),
            job_concurrency=_number(env, "JOB_CONCURRENCY", 4, int, minimum=1),
            job_visibility_seconds=_number(env, "JOB_VISIBILITY_SECONDS", 30.0, float, minimum=1),
            webhook_allowed_networks=_networks(env, "WEBHOOK_ALLOWED_NETWORKS"),
            webhook_deadline_seconds=_number(
                env, "WEBHOOK_DEADLINE_SECONDS", 10.0, float, minimum=0.1
            ),
            environ=env,
        )

    def get(self, name: str, default: str = "") -> str:
        """A variable of the environment, for config modules."""
        return self.environ.get(name, default)

    def number(self, name: str, default: float) -> float:
        return _number(self.environ, name, default, float, minimum=0)

    def switch(self, name: str, default: bool) -> bool:
        """An on/off setting of a config module (on, off, true, false, 1, 0, yes, no)."""
        return _switch(self.environ, name, default)


def _number(env: Mapping[str, str], name: str, default: T, kind: type[T], minimum: float) -> T:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a {kind.__name__}") from None
    if not math.isfinite(value):
        raise SettingsError(f"{name}={raw!r} is not a finite number")
    if value < minimum:
        raise SettingsError(f"{name}={raw!r} must be at least {minimum:g}")
    return value


def _networks(
    env: Mapping[str, str], name: str
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated networks (`10.20.0.0/16`, `fd12::/48`) or single addresses."""
    networks = []
    for raw in env.get(name, "").split(","):
        if not raw.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(raw.strip()))
        except ValueError as error:
            raise SettingsError(f"{name}: {raw.strip()!r} is not a network: {error}") from None
    return tuple(networks)


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "on", "true", "yes"):
        return True
    if raw in ("0", "off", "false", "no"):
        return False
    raise SettingsError(f"{name}={raw!r} must be on or off")
