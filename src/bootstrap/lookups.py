"""Builds the lookup use case three ways: the one served (cached, single-flight, observed, on a
pool that carries the caller's usage account), the one evaluation measures (no cache), and the
one the estimates count tokens with (reads the cache, asks no model). Only the served one
reports calibrated confidences: evaluation measures the raw ones, which a map is fitted on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from config.settings import Settings
from src.adapters.driven.cache.write_behind import WriteBehindCache
from src.adapters.driven.observability.metrics import PrometheusObserver
from src.adapters.driven.storage.storage import PeeweeStorage
from src.bootstrap.answering import this_code_answering
from src.domain.catalogue.ports import Catalogue, ExampleRepository, FieldRepository, LabelledValues
from src.domain.catalogue.selection import SelectedExamples
from src.domain.lookup.cache import NoCache
from src.domain.lookup.limits import RequestLimits
from src.domain.lookup.llms import LLMRegistry
from src.domain.lookup.ports import LookupCache
from src.domain.lookup.service import FieldLookupService
from src.domain.lookup.single_flight import SingleFlight
from src.domain.trust.ports import CalibrationStore, ThresholdStore
from src.domain.usage.estimate import Estimator, ReadOnlyCache, counting_registry
from src.domain.usage.meter import ContextCopyingExecutor


@dataclass(frozen=True, slots=True)
class Lookups:
    """The lookup use case as served, as evaluation measures it, and as the estimates count."""

    served: FieldLookupService
    uncached: FieldLookupService
    estimator: Estimator


def build_lookups(
    settings: Settings,
    registry: LLMRegistry,
    fields: FieldRepository,
    examples: ExampleRepository,
    thresholds: ThresholdStore,
    cache: LookupCache,
    executor: ThreadPoolExecutor,
    metrics: PrometheusObserver,
    calibration: CalibrationStore,
) -> Lookups:
    """The three lookups, on one pool and one cache."""
    limits = RequestLimits(settings.max_description_chars, settings.max_fields)
    catalogue = Catalogue(
        fields, examples, examples if isinstance(examples, LabelledValues) else None
    )
    if isinstance(examples, SelectedExamples):  # the cache keys name the policy that selects
        catalogue = replace(catalogue, selection=examples.policy)
    served = FieldLookupService(
        registry,
        catalogue,
        ContextCopyingExecutor(executor),
        settings.llm_query_timeout,
        cache,
        metrics,
        limits=limits,
        thresholds=thresholds,
        single_flight=SingleFlight() if settings.lookup_cache else None,
        calibration=calibration,
        answering=this_code_answering(),
    )
    uncached = FieldLookupService(
        registry,
        catalogue,
        executor,
        settings.llm_query_timeout,
        limits=limits,
        thresholds=thresholds,
    )
    counting = FieldLookupService(
        counting_registry(registry),
        catalogue,
        executor,
        settings.llm_query_timeout,
        ReadOnlyCache(cache),
        limits=limits,
        answering=this_code_answering(),
    )
    return Lookups(served, uncached, Estimator(counting))


def lookup_cache(
    settings: Settings, storage: PeeweeStorage, executor: ThreadPoolExecutor
) -> LookupCache:
    """The database's cache, written behind the lookups on their pool; none with
    LOOKUP_CACHE=off."""
    if not settings.lookup_cache:
        return NoCache()
    return WriteBehindCache(storage.lookup_cache(settings.lookup_cache_ttl), executor)
