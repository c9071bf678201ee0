"""The composition root: reads the settings and the config module, builds the adapters and
returns every use case wired. `web.py`, `cli.py` and the tests all start here; tests put their
fakes in place of adapters through `Overrides`."""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from config.settings import Settings
from src.adapters.driven.observability.metrics import PrometheusObserver
from src.adapters.driven.storage.failed_authentications import LimitsFailedAuthenticationCounter
from src.adapters.driven.storage.rate_limits import LimitsRateLimiter
from src.adapters.driven.storage.storage import PeeweeStorage
from src.bootstrap.jobs import Jobs, build_accounts, build_jobs
from src.bootstrap.llms import llm_registry
from src.bootstrap.lookups import build_lookups, lookup_cache
from src.bootstrap.overrides import Overrides
from src.domain.access.admission import Admission
from src.domain.access.api_keys import ApiKeys
from src.domain.access.tenancy import Tenancy
from src.domain.catalogue.ports import FieldRepository
from src.domain.catalogue.provisioning import Provisioning
from src.domain.enrichment.enrich import Enrichment
from src.domain.errors import FieldLookupError
from src.domain.evaluation.evaluate import EvaluationService
from src.domain.evaluation.judge import FactualityJudge
from src.domain.lookup.batch import BatchLookup
from src.domain.lookup.llms import LLMRegistry
from src.domain.lookup.ports import HealthProbe
from src.domain.lookup.service import FieldLookupService
from src.domain.purging.purge import Purging
from src.domain.review import Reviewing, ReviewQueue
from src.domain.trust.ports import CalibrationStore, ThresholdStore
from src.domain.usage.accounts import Accounts
from src.domain.usage.estimate import Estimator
from src.domain.usage.meter import UsageMeter


@dataclass(slots=True)
class Container:
    """The wired use cases of one process, on its own storage and its own lookup pool."""

    settings: Settings
    llms: LLMRegistry
    fields: FieldRepository
    health: HealthProbe
    lookup: FieldLookupService
    provisioning: Provisioning
    enrichment: Enrichment
    metrics: PrometheusObserver
    api_keys: ApiKeys
    admission: Admission
    tenancy: Tenancy
    """Whose jobs and usage a caller may act on (its own; an admin's tenant's)."""
    reviewing: Reviewing
    review_queue: ReviewQueue
    purging: Purging
    storage: PeeweeStorage
    thresholds: ThresholdStore
    """The review thresholds `evaluate --save-thresholds` stores and every lookup reads."""
    calibration: CalibrationStore
    """The calibration maps `evaluate --save-calibration` stores and every lookup reads."""
    jobs: Jobs
    accounts: Accounts
    meter: UsageMeter
    estimator: Estimator
    _uncached_lookup: FieldLookupService
    _executor: ThreadPoolExecutor

    def evaluation(
        self, judge: str | None = None, timeout_seconds: float | None = None
    ) -> EvaluationService:
        """The evaluation use case, on a lookup without the cache (every pair is measured, none
        remembered); `judge` names an LLM that grades the text answers that do not match. Each
        product has `timeout_seconds`, by default BATCH_QUERY_TIMEOUT."""
        grader = (
            FactualityJudge(self.llms.get(judge), self.settings.llm_query_timeout)
            if judge
            else None
        )
        per_product = timeout_seconds or self.settings.batch_query_timeout
        return EvaluationService(BatchLookup(self._uncached_lookup, per_product), grader)

    def migrate(self) -> list[str]:
        return self.storage.migrate()

    def pending_migrations(self) -> list[str]:
        return self.storage.pending_migrations()

    def close(self) -> None:
        self.jobs.close()
        with contextlib.suppress(
            FieldLookupError
        ):  # the database is away: the last counts are lost
            self.meter.flush()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.storage.close()


def bootstrap(
    settings: Settings | None = None,
    llms: LLMRegistry | None = None,
    overrides: Overrides | None = None,
) -> Container:
    """Wires the service for `settings` (default: the environment). Tests may pass their own
    LLM registry (otherwise it comes from the CONFIG_MODULE) and adapters in `overrides`."""
    settings = settings or Settings.from_env()
    overrides = overrides or Overrides()
    clock = overrides.clock or time.monotonic
    storage = PeeweeStorage(
        settings.database_url, settings.db_pool_size, settings.catalogue_refresh_seconds, clock
    )
    accounts, meter = build_accounts(settings, storage)
    registry = llms or llm_registry(settings, clock, meter)
    fields = overrides.fields or storage.fields
    examples = overrides.examples or storage.examples
    executor = ThreadPoolExecutor(settings.lookup_workers, thread_name_prefix="lookup")
    metrics = PrometheusObserver(settings.metrics_multiprocess)
    thresholds = overrides.thresholds or storage.thresholds
    calibration = overrides.calibration or storage.calibration
    cache = (
        overrides.cache
        if overrides.cache is not None
        else lookup_cache(settings, storage, executor)
    )
    lookups = build_lookups(
        settings, registry, fields, examples, thresholds, cache, executor, metrics, calibration
    )
    lookup = lookups.served
    batch = BatchLookup(lookup, settings.batch_query_timeout)
    api_keys = ApiKeys(
        overrides.api_key_store or storage.api_keys,
        open_recheck_seconds=settings.keyless_recheck_seconds,
        monotonic=clock,
    )
    # Decisions read their fields as stored, not from the in-memory catalogue each of them
    # makes stale: reading that whole again for every decision would cost more than the decision.
    stored_fields = overrides.fields or storage.stored_fields
    review_queue = ReviewQueue(storage.review_queue, stored_fields, settings.max_description_chars)
    return Container(
        settings=settings,
        llms=registry,
        fields=fields,
        health=storage.health,
        lookup=lookup,
        provisioning=Provisioning(
            overrides.catalogue_store or storage.catalogue_store, stored_fields
        ),
        enrichment=Enrichment(batch, review_queue),
        metrics=metrics,
        api_keys=api_keys,
        admission=_admission(settings, storage, api_keys),
        tenancy=Tenancy(api_keys),
        reviewing=Reviewing(
            storage.reviews,
            storage.review_queue,
            stored_fields,
            settings.reviewed_decisions_win,
            settings.max_description_chars,
        ),
        review_queue=review_queue,
        purging=_purging(settings, storage),
        storage=storage,
        thresholds=thresholds,
        calibration=calibration,
        jobs=build_jobs(settings, storage, batch, accounts, lookups.estimator, overrides),
        accounts=accounts,
        meter=meter,
        estimator=lookups.estimator,
        _uncached_lookup=lookups.uncached,
        _executor=executor,
    )


def _purging(settings: Settings, storage: PeeweeStorage) -> Purging:
    """Ended rate-limit windows, and cache answers past LOOKUP_CACHE_TTL when it is set."""
    cache_ttl = settings.lookup_cache_ttl if settings.lookup_cache else None
    return Purging(storage.expired_rows(cache_ttl), settings.purge_batch_rows)


def _admission(settings: Settings, storage: PeeweeStorage, api_keys: ApiKeys) -> Admission:
    """API keys, failed ones counted per address (FAILED_AUTH_PER_MINUTE), then the rate limit
    when RATE_LIMIT_PER_MINUTE is set; counts in Redis or the database."""
    counts = storage.request_counts(settings.redis_url)
    failed, rate = settings.failed_auth_per_minute, settings.rate_limit_per_minute
    failures = LimitsFailedAuthenticationCounter(counts, failed) if failed else None
    return Admission(api_keys, LimitsRateLimiter(counts, rate) if rate else None, failures)
