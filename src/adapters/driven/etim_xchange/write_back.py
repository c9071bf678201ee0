"""Enriched products written into their xChange file: a value at or above its field's threshold
(`review` false) goes into each empty entry of its feature (EtimValueCode for A, EtimValueNumeric
for N, EtimValueLogical for L, EtimValueRangeLower and EtimValueRangeUpper for R); a value under
it is left out and listed for review; a value the file cannot hold (an option with no EV code, a
number past 12 digits) is left out and said."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field

from src.adapters.driven.etim_xchange.document import XChangeProduct
from src.adapters.driven.etim_xchange.features import MappedFeature
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.model import OutcomeStatus, Value


@dataclass(frozen=True, slots=True)
class ValueToReview:
    product: str
    feature: str
    value: Value
    confidence: float | None


@dataclass(slots=True)
class WriteBackTally:
    products_written: int = 0
    values_written: int = 0
    values_not_written: int = 0
    to_review: list[ValueToReview] = field(default_factory=list)


class XChangeWriteBack:
    """The output of an enrichment run into an xChange document (see EnrichedProducts); the
    document is saved by its owner once the run ends."""

    def __init__(
        self,
        products: Mapping[str, XChangeProduct],
        features: Mapping[str, MappedFeature],
        say: Callable[[str], None],
    ) -> None:
        self._products = products
        self._features = features
        self._say = say
        self.tally = WriteBackTally()

    @property
    def done(self) -> Set[str]:
        return frozenset()

    def write(self, product: EnrichedProduct) -> None:
        target = self._products[str(product.id)]
        written = 0
        for outcome in product.result.outcomes:
            feature = self._features.get(outcome.field_code)
            if feature is None or outcome.value is None or outcome.status is not OutcomeStatus.OK:
                continue
            if outcome.review is not False:
                self.tally.to_review.append(
                    ValueToReview(
                        str(product.id), feature.field.code, outcome.value, outcome.confidence
                    )
                )
                continue
            keys = feature.kind.written(outcome.value, feature.definition)
            if keys is None:
                self.tally.values_not_written += 1
                self._say(
                    f"not written: product {product.id}: {feature.field.code} "
                    f"{outcome.value!r} has no xChange form (no EV code in --features, or too "
                    "many digits)"
                )
                continue
            for entry in target.features:
                if entry.code == feature.field.code and entry.is_empty:
                    entry.entry.update(keys)
            written += 1
        if written:
            self.tally.products_written += 1
            self.tally.values_written += written
