"""Prometheus metrics of the lookups: requests, field outcomes, backend latency, tokens, cache.

With several worker processes, set PROMETHEUS_MULTIPROC_DIR (an empty folder shared by the
workers) and `/metrics` adds up every worker's figures.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from src.domain.model import LookupResult, OutcomeStatus

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_ASKED = {
    OutcomeStatus.OK,
    OutcomeStatus.NOT_FOUND,
    OutcomeStatus.INVALID_OUTPUT,
    OutcomeStatus.ERROR,
}


class PrometheusObserver:
    """A LookupObserver that counts into its own registry (one per container)."""

    def __init__(self, multiprocess: bool = False) -> None:
        self._multiprocess = multiprocess
        self.registry = CollectorRegistry()
        self._lookups = Counter(
            "lookup_requests", "Lookups answered", ["llm"], registry=self.registry
        )
        self._outcomes = Counter(
            "lookup_field_outcomes",
            "Field outcomes by status",
            ["llm", "status"],
            registry=self.registry,
        )
        self._backend = Histogram(
            "lookup_backend_call_seconds",
            "Time of one field's model call, retries included",
            ["llm"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._request = Histogram(
            "lookup_request_seconds",
            "Time to answer a lookup",
            ["llm"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._tokens = Counter(
            "lookup_tokens", "Model tokens", ["llm", "kind"], registry=self.registry
        )
        self._cache_hits = Counter(
            "lookup_cache_hits", "Fields answered from the cache", ["llm"], registry=self.registry
        )

    def lookup_finished(self, result: LookupResult) -> None:
        self._lookups.labels(result.llm).inc()
        self._request.labels(result.llm).observe(result.elapsed_ms / 1000)
        for outcome in result.outcomes:
            self._outcomes.labels(result.llm, outcome.status.value).inc()
            if outcome.cached:
                self._cache_hits.labels(result.llm).inc()
            elif outcome.status in _ASKED:
                self._backend.labels(outcome.llm or result.llm).observe(outcome.elapsed_ms / 1000)
        if result.usage.prompt_tokens:
            self._tokens.labels(result.llm, "prompt").inc(result.usage.prompt_tokens)
        if result.usage.completion_tokens:
            self._tokens.labels(result.llm, "completion").inc(result.usage.completion_tokens)

    def render(self) -> bytes:
        """The metrics in Prometheus' text format."""
        if self._multiprocess:
            merged = CollectorRegistry()
            MultiProcessCollector(merged)
            return generate_latest(merged)
        return generate_latest(self.registry)
