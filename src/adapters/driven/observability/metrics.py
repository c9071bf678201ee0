"""Prometheus metrics of the lookups: requests, field outcomes, backend latency, tokens, cache.

With several worker processes, set PROMETHEUS_MULTIPROC_DIR (an empty folder shared by the
workers) and `/metrics` adds up every worker's figures.
"""

from __future__ import annotations

from collections import Counter as Tally
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.metrics import MetricWrapperBase
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

        self._children: dict[tuple[MetricWrapperBase, tuple[str, ...]], Any] = {}

    def lookup_finished(self, result: LookupResult) -> None:
        llm = result.llm
        self._child(self._lookups, llm).inc()
        self._child(self._request, llm).observe(result.elapsed_ms / 1000)
        statuses: Tally[str] = Tally()
        hits = 0
        for outcome in result.outcomes:
            statuses[outcome.status.value] += 1
            if outcome.cached:
                hits += 1
            elif outcome.status in _ASKED:
                self._child(self._backend, outcome.llm or llm).observe(outcome.elapsed_ms / 1000)
        for status, count in statuses.items():
            self._child(self._outcomes, llm, status).inc(count)
        if hits:
            self._child(self._cache_hits, llm).inc(hits)
        if result.usage.prompt_tokens:
            self._child(self._tokens, llm, "prompt").inc(result.usage.prompt_tokens)
        if result.usage.completion_tokens:
            self._child(self._tokens, llm, "completion").inc(result.usage.completion_tokens)

    def _child(self, metric: MetricWrapperBase, *labels: str) -> Any:
        """`metric.labels(*labels)`, looked up once per metric and labels."""
        child = self._children.get((metric, labels))
        if child is None:
            child = self._children[(metric, labels)] = metric.labels(*labels)
        return child

    def render(self) -> bytes:
        """The metrics in Prometheus' text format."""
        if self._multiprocess:
            merged = CollectorRegistry()
            MultiProcessCollector(merged)
            return generate_latest(merged)
        return generate_latest(self.registry)
