"""The composition root: reads the settings and the config module, builds the adapters and
returns the wired services. `web.py`, `cli.py` and the tests all start here."""

from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from types import ModuleType

from peewee import Database, SqliteDatabase

from config.settings import Settings
from src.adapters.driven.observability.metrics import PrometheusObserver
from src.adapters.driven.storage.api_keys import PeeweeApiKeyStore
from src.adapters.driven.storage.catalogue_snapshot import CatalogueSnapshot
from src.adapters.driven.storage.database import open_database
from src.adapters.driven.storage.lookup_cache import PeeweeLookupCache
from src.adapters.driven.storage.migrations import apply_migrations
from src.adapters.driven.storage.rate_limits import LimitsRateLimiter, counter_storage
from src.adapters.driven.storage.repositories import (
    PeeweeCatalogueStore,
    PeeweeExampleRepository,
    PeeweeFieldRepository,
    PeeweeHealthProbe,
)
from src.connectors.cooldown import CoolingDownConnector
from src.connectors.retrying import RetryingConnector
from src.domain.access.admission import Admission
from src.domain.access.api_keys import ApiKeys
from src.domain.catalogue.ports import ExampleRepository, FieldRepository
from src.domain.catalogue.provisioning import Provisioning
from src.domain.lookup.cache import NoCache
from src.domain.lookup.limits import RequestLimits
from src.domain.lookup.llms import ConfiguredLLM, LLMFactory, LLMRegistry
from src.domain.lookup.ports import HealthProbe, LookupCache
from src.domain.lookup.service import FieldLookupService


class ConfigModuleError(ValueError):
    """CONFIG_MODULE cannot be imported or does not declare LLMS and DEFAULT_LLM."""


@dataclass(slots=True)
class Container:
    """The wired services of one process."""

    settings: Settings
    database: Database
    llms: LLMRegistry
    fields: FieldRepository
    examples: ExampleRepository
    health: HealthProbe
    lookup: FieldLookupService
    provisioning: Provisioning
    executor: ThreadPoolExecutor
    metrics: PrometheusObserver
    api_keys: ApiKeys
    admission: Admission

    def migrate(self) -> list[str]:
        return apply_migrations(self.database)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        if not self.database.is_closed():
            self.database.close()
        close_all = getattr(self.database, "close_all", None)
        if close_all:
            close_all()


def bootstrap(settings: Settings | None = None, llms: LLMRegistry | None = None) -> Container:
    """Wires the service for `settings` (default: the environment). Tests may pass their own
    LLM registry; otherwise it comes from the CONFIG_MODULE."""
    settings = settings or Settings.from_env()
    database = open_database(settings.database_url, settings.db_pool_size)
    registry = llms or llm_registry(settings)
    fields, examples, store = _catalogue(settings, database)
    executor = ThreadPoolExecutor(settings.lookup_workers, thread_name_prefix="lookup")
    cache: LookupCache = (
        PeeweeLookupCache(database, settings.lookup_cache_ttl) if settings.lookup_cache else NoCache()
    )
    metrics = PrometheusObserver(settings.metrics_multiprocess)
    lookup = FieldLookupService(
        registry, fields, examples, executor, settings.llm_query_timeout, cache, metrics,
        limits=RequestLimits(settings.max_description_chars, settings.max_fields),
    )
    api_keys = ApiKeys(PeeweeApiKeyStore(database), open_recheck_seconds=settings.keyless_recheck_seconds)
    return Container(
        settings=settings,
        database=database,
        llms=registry,
        fields=fields,
        examples=examples,
        health=PeeweeHealthProbe(database),
        lookup=lookup,
        provisioning=Provisioning(store, PeeweeFieldRepository(database)),
        executor=executor,
        metrics=metrics,
        api_keys=api_keys,
        admission=_admission(settings, database, api_keys),
    )


def _catalogue(settings: Settings, database: Database) -> tuple[FieldRepository, ExampleRepository, PeeweeCatalogueStore]:
    """Fields and examples: an embedded (SQLite) catalogue is held in memory, and provisioning
    in this process refreshes it at once; PostgreSQL ranks examples in SQL (pg_trgm), whatever
    their number."""
    if isinstance(database, SqliteDatabase):
        snapshot = CatalogueSnapshot(database, settings.catalogue_refresh_seconds)
        return snapshot, snapshot, PeeweeCatalogueStore(database, on_change=snapshot.invalidate)
    return PeeweeFieldRepository(database), PeeweeExampleRepository(database), PeeweeCatalogueStore(database)


def _admission(settings: Settings, database: Database, api_keys: ApiKeys) -> Admission:
    """API keys, then the rate limit when RATE_LIMIT_PER_MINUTE is set (in Redis or the database)."""
    if not settings.rate_limit_per_minute:
        return Admission(api_keys)
    storage = counter_storage(database, settings.redis_url)
    return Admission(api_keys, LimitsRateLimiter(storage, settings.rate_limit_per_minute))


def llm_registry(settings: Settings) -> LLMRegistry:
    """The named LLMs of the CONFIG_MODULE, each connector wrapped with retries, then with a
    cool-down after repeated failures."""
    module = _config_module(settings.config_module)
    factories: dict[str, LLMFactory] = {
        name: partial(factory, settings) for name, factory in module.LLMS.items()
    }

    def with_retries(configured: ConfiguredLLM) -> ConfiguredLLM:
        retrying = RetryingConnector(configured.connector, settings.llm_max_retries)
        guarded = CoolingDownConnector(
            retrying, configured.name, settings.backend_failure_threshold, settings.backend_cooldown_seconds
        )
        return replace(configured, connector=guarded)

    return LLMRegistry(factories, module.DEFAULT_LLM, wrap=with_retries)


def _config_module(name: str) -> ModuleType:
    try:
        module = importlib.import_module(name)
    except ImportError as error:
        raise ConfigModuleError(f"CONFIG_MODULE={name!r} cannot be imported: {error}") from error
    llms = getattr(module, "LLMS", None)
    default = getattr(module, "DEFAULT_LLM", None)
    if not isinstance(llms, dict) or not llms or not all(callable(f) for f in llms.values()):
        raise ConfigModuleError(f"CONFIG_MODULE={name!r} must declare LLMS, a dict of names to factories")
    if default not in llms:
        raise ConfigModuleError(f"CONFIG_MODULE={name!r}: DEFAULT_LLM {default!r} is not in LLMS")
    return module
