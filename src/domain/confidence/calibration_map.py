"""A catalogue's calibration map: what a raw confidence is worth on that catalogue.

A raw confidence (the model's token probability, a rule's measured precision) says how sure
the answer was, not how often such answers are right on a catalogue the service has not seen.
The map turns it into the share of right values measured on the catalogue's own labelled rows:
per group of answers (who answered: the model or the pre-pass rules), a logistic map of the
raw confidence's log-odds, p = σ(slope · logit(c) + intercept), fitted by maximum likelihood
(Platt scaling). A group with fewer than `MIN_VALUES` labelled values keeps its raw
confidence. Every map is increasing (see `fit_logistic`), so it orders a group's values as the
raw confidences did (the same AUROC within a group).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from src.domain.model import OutcomeSource

MIN_VALUES = 10
"""Labelled values a group needs for a map of its own."""

_EDGE = 1e-6
_RIDGE = 1e-3
"""A light pull of the slope and intercept toward zero, so that every fit is finite."""


@dataclass(frozen=True, slots=True)
class LogisticMap:
    """p = σ(slope · logit(c) + intercept); the identity is slope 1, intercept 0."""

    slope: float = 1.0
    intercept: float = 0.0
    values: int = 0
    """The labelled values it was fitted on."""

    def __call__(self, confidence: float) -> float:
        return _sigmoid(self.slope * _logit(confidence) + self.intercept)

    def inverse(self, calibrated: float) -> float:
        """The raw confidence this map turns into `calibrated` (the slope is positive)."""
        return _sigmoid((_logit(calibrated) - self.intercept) / self.slope)


@dataclass(frozen=True, slots=True)
class CalibrationMap:
    """An LLM's maps per group (see `group_of`); a group without one keeps raw confidences."""

    groups: Mapping[str, LogisticMap] = field(default_factory=dict)

    def calibrated(self, confidence: float | None, source: OutcomeSource) -> float | None:
        """The confidence as its group's map gives it (None stays None)."""
        if confidence is None:
            return None
        fitted = self.groups.get(group_of(source))
        return confidence if fitted is None else fitted(confidence)

    def raw_threshold(self, threshold: float, source: OutcomeSource) -> float:
        """The raw confidence from which a value of `source` is calibrated to `threshold` or
        more: for the decisions taken before a value is calibrated (the cascade's)."""
        fitted = self.groups.get(group_of(source))
        return threshold if fitted is None else fitted.inverse(threshold)


def group_of(source: OutcomeSource) -> str:
    """The group a value's map is fitted and looked up by: who answered it."""
    return source.value


def fit_calibration(values: Iterable[tuple[OutcomeSource, float, bool]]) -> CalibrationMap:
    """The map fitted on (who answered, raw confidence, right) of labelled values: a logistic
    map per group with at least `MIN_VALUES` values, none for the others."""
    grouped: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for source, confidence, right in values:
        grouped[group_of(source)].append((confidence, right))
    return CalibrationMap(
        {name: fit_logistic(pairs) for name, pairs in grouped.items() if len(pairs) >= MIN_VALUES}
    )


def fit_logistic(pairs: Sequence[tuple[float, bool]]) -> LogisticMap:
    """The logistic map of largest likelihood on (confidence, right) pairs. The targets are
    Platt's: (rights + 1) / (rights + 2) and 1 / (wrongs + 2) rather than 1 and 0, so that a
    group never seen wrong does not map to certainty. When the best slope is not positive (the
    confidences do not order the values, or are all alike), the slope stays 1 and only the
    intercept is fitted: the map then moves the group's confidences to its right share and keeps
    their order."""
    rights = sum(right for _, right in pairs)
    wrongs = len(pairs) - rights
    high, low = (rights + 1) / (rights + 2), 1 / (wrongs + 2)
    points = [(_logit(c), high if right else low) for c, right in pairs]
    slope, intercept = _newton(points, fit_slope=True)
    if slope <= 0:
        slope, intercept = _newton(points, fit_slope=False)
    return LogisticMap(slope, intercept, len(pairs))


def _newton(
    points: Sequence[tuple[float, float]], fit_slope: bool, iterations: int = 100
) -> tuple[float, float]:
    """Newton's method from the identity, each step halved until the likelihood rises."""
    slope, intercept = 1.0, 0.0
    loss = _loss(points, slope, intercept)
    for _ in range(iterations):
        g_s, g_i = _RIDGE * slope, _RIDGE * intercept
        h_ss = h_ii = _RIDGE
        h_si = 0.0
        for x, target in points:
            p = _sigmoid(slope * x + intercept)
            w = p * (1 - p)
            g_s += (p - target) * x
            g_i += p - target
            h_ss += w * x * x
            h_si += w * x
            h_ii += w
        if fit_slope:
            det = h_ss * h_ii - h_si * h_si
            step_s = (h_ii * g_s - h_si * g_i) / det
            step_i = (h_ss * g_i - h_si * g_s) / det
        else:
            step_s, step_i = 0.0, g_i / h_ii
        scale = 1.0
        while scale > 1e-6:
            tried = _loss(points, slope - scale * step_s, intercept - scale * step_i)
            if tried <= loss:
                break
            scale /= 2
        else:
            break
        slope, intercept = slope - scale * step_s, intercept - scale * step_i
        done = loss - tried < 1e-12
        loss = tried
        if done:
            break
    return slope, intercept


def _loss(points: Sequence[tuple[float, float]], slope: float, intercept: float) -> float:
    """The negative log-likelihood of the targets, plus the ridge."""
    total = _RIDGE * (slope * slope + intercept * intercept) / 2
    for x, target in points:
        z = slope * x + intercept
        # log(1 + e^z) − target · z, without overflow
        total += max(z, 0) + math.log1p(math.exp(-abs(z))) - target * z
    return total


def _logit(confidence: float) -> float:
    p = min(max(confidence, _EDGE), 1 - _EDGE)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)
