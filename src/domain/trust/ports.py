"""What the trust signals need from the outside world: the accept thresholds and the calibration
maps `evaluate` chose."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from src.domain.confidence.calibration_map import CalibrationMap


@dataclass(frozen=True, slots=True)
class FieldThreshold:
    """The lowest confidence at which an LLM's values of a field are accepted without review,
    and what it gave on the half of the benchmark that did not choose it."""

    llm: str
    field_code: str
    threshold: float
    target_precision: float
    precision: float | None = None
    """Right values among those accepted on the other half (None: none were accepted there)."""
    coverage: float | None = None
    """Share of the other half's values that were accepted."""


class ThresholdStore(Protocol):
    """The accept thresholds, per LLM and field, shared by every worker process."""

    def thresholds(self, llm: str, field_codes: Sequence[str]) -> dict[str, float]:
        """The thresholds known for these fields of `llm`; fields without one are left out.
        May be a few seconds behind a `save` in another process."""
        ...

    def save(self, thresholds: Sequence[FieldThreshold]) -> None:
        """Stores or replaces these thresholds, in one transaction."""
        ...


class NoThresholds:
    """A ThresholdStore that knows none: every value is to be reviewed."""

    def thresholds(self, llm: str, field_codes: Sequence[str]) -> dict[str, float]:
        return {}

    def save(self, thresholds: Sequence[FieldThreshold]) -> None:
        return None


class CalibrationStore(Protocol):
    """The calibration maps `evaluate --save-calibration` fitted, per LLM, shared by every
    worker process."""

    def calibration(self, llm: str) -> CalibrationMap:
        """The map of `llm` (without one: raw confidences stand). May be a few seconds behind a
        `save` in another process."""
        ...

    def save(self, llm: str, calibration: CalibrationMap) -> None:
        """Stores `calibration` as the map of `llm`, replacing its previous one whole, in one
        transaction."""
        ...


class NoCalibration:
    """A CalibrationStore that knows no map: every confidence stands as its backend gave it."""

    def calibration(self, llm: str) -> CalibrationMap:
        return CalibrationMap()

    def save(self, llm: str, calibration: CalibrationMap) -> None:
        return None
