"""Enriched products written back to Akeneo: the values at or above their field's threshold
(`review` false), in one collection PATCH per batch; each line's status read, a refused line
reported with its values and left for the next run; every product settled recorded in the
state, so that the next run skips it. A product with a value Akeneo cannot take (an option it no
longer has) is recorded `partly`, not settled: the next run looks it up again. A variant
product's values that belong to one of its models go to that model (model_values), in one
collection PATCH of product models before the products'; a product whose model line is
refused is recorded `partly` too. A dry run prints what would be written instead."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from typing import Any

from src.adapters.driven.akeneo.attributes import MappedAttribute, Where
from src.adapters.driven.akeneo.client import AkeneoClient, LineStatus
from src.adapters.driven.akeneo.model_values import SplitBatch, Values, split_batch
from src.adapters.driven.akeneo.product_models import MODELS_PATH, ProductModels
from src.adapters.driven.akeneo.state import EnrichmentState
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.model import OutcomeStatus

PRODUCTS_PATH = "/api/rest/v1/products-uuid"


@dataclass(slots=True)
class WriteBackTally:
    products_written: int = 0
    values_written: int = 0
    values_to_review: int = 0
    lines_refused: int = 0
    values_without_akeneo_form: int = 0
    batches: int = 0
    models_written: int = 0
    """Product models written to (each once however many of their attributes)."""
    values_on_models_already: int = 0
    """Values a model holds: a sibling gave it one, in this run or an earlier one."""


class AkeneoWriteBack:
    """The output of an enrichment run into Akeneo (see EnrichedProducts)."""

    def __init__(
        self,
        client: AkeneoClient,
        attributes: Mapping[str, MappedAttribute],
        where: Where,
        state: EnrichmentState,
        batch_size: int,
        say: Callable[[str], None],
        dry_run: Callable[[str], None] | None = None,
        models: ProductModels | None = None,
        model_attributes_once: bool = True,
    ) -> None:
        self._client = client
        self._attributes = attributes
        self._where = where
        self._state = state
        self._batch_size = batch_size
        self._say = say
        self._dry_run = dry_run
        self._models = models
        self._model_attributes_once = model_attributes_once
        """Whether a model attribute the state holds as written is left (an enrichment), or
        written again (a reviewer's later decision)."""
        self._models_written: set[str] = set()
        self._pending: list[tuple[str, Values, bool]] = []
        """Each product's uuid, values to write, and whether it is to be done again."""
        self.tally = WriteBackTally()

    @property
    def done(self) -> Set[str]:
        return self._state.done

    def write(self, product: EnrichedProduct) -> None:
        # The batch goes when the next product comes: the last one's review values are queued
        # by then, so a product recorded settled has lost nothing.
        if len(self._pending) >= self._batch_size:
            self.flush()
        values: Values = {}
        retry = False
        for outcome in product.result.outcomes:
            attribute = self._attributes.get(outcome.field_code)
            if attribute is None or outcome.value is None or outcome.status is not OutcomeStatus.OK:
                continue
            if outcome.review is not False:
                self.tally.values_to_review += 1
                continue
            entry = attribute.written(outcome.value, self._where)
            if entry is None:
                self.tally.values_without_akeneo_form += 1
                self._say(
                    f"not written: product {product.id}: {attribute.code} {outcome.value!r} is "
                    "no option of the attribute any more (run `akeneo fields` again)"
                )
                retry = True
                continue
            values[attribute.code] = [entry]
        self._pending.append((str(product.id), values, retry))

    def flush(self) -> None:
        """Writes the products waiting: one PATCH for all of them (and, before it, one for the
        product models that hold some of their values)."""
        batch, self._pending = self._pending, []
        again = {uuid for uuid, _, retry in batch if retry}
        split = self._split([(uuid, values) for uuid, values, _ in batch])
        for code in self._write_models(split.models):
            again |= split.carriers.get(code, set())
        lines = [{"uuid": uuid, "values": values} for uuid, values in split.products if values]
        if self._dry_run is not None:
            for line in lines:
                self._dry_run(json.dumps(line, ensure_ascii=False))
            self.tally.batches += 1 if lines else 0
            self.tally.products_written += len(lines)
            self.tally.values_written += sum(len(line["values"]) for line in lines)
            return
        records: list[dict[str, Any]] = []
        if lines:
            self.tally.batches += 1
            statuses = {
                status.line: status
                for status in self._client.patch_collection(PRODUCTS_PATH, lines)
            }
            for number, line in enumerate(lines, 1):
                status = statuses.get(number)
                if status is not None and not status.refused:
                    written = sorted(line["values"])
                    settled = "partly" if line["uuid"] in again else "written"
                    records.append({"uuid": line["uuid"], settled: written})
                    self.tally.products_written += 1
                    self.tally.values_written += len(line["values"])
                    continue
                records.append(self._refused(line, "uuid", status))
        records += [
            {"uuid": uuid, "partly" if uuid in again else "written": []}
            for uuid, values in split.products
            if not values
        ]
        self._state.record(records)

    def _split(self, lines: list[tuple[str, Values]]) -> SplitBatch:
        if self._models is None or not any(values for _, values in lines) or not self._models.any:
            return SplitBatch(lines)
        written = self._state.models_written if self._model_attributes_once else frozenset()
        split = split_batch(lines, self._models, written)
        self.tally.values_on_models_already += split.left
        return split

    def _write_models(self, models: dict[str, Values]) -> set[str]:
        """Writes the models' values in one PATCH; the codes of the models refused."""
        lines: list[dict[str, Any]] = [
            {"code": code, "values": values} for code, values in models.items()
        ]
        if not lines:
            return set()
        self.tally.batches += 1
        if self._dry_run is not None:
            for line in lines:
                self._dry_run(json.dumps(line, ensure_ascii=False))
            self._models_written.update(line["code"] for line in lines)
            self.tally.models_written = len(self._models_written)
            self.tally.values_written += sum(len(line["values"]) for line in lines)
            return set()
        statuses = {s.line: s for s in self._client.patch_collection(MODELS_PATH, lines)}
        records: list[dict[str, Any]] = []
        refused: set[str] = set()
        for number, line in enumerate(lines, 1):
            status = statuses.get(number)
            if status is not None and not status.refused:
                records.append({"model": line["code"], "written": sorted(line["values"])})
                self._models_written.add(line["code"])
                self.tally.models_written = len(self._models_written)
                self.tally.values_written += len(line["values"])
            else:
                refused.add(line["code"])
                records.append(self._refused(line, "code", status))
        self._state.record(records)
        return refused

    def _refused(self, line: dict[str, Any], key: str, status: LineStatus | None) -> dict[str, Any]:
        """Reports a refused line; its record for the state file."""
        code = status.status_code if status else None
        message = status.message if status and status.message else "no status for this line"
        what = "product" if key == "uuid" else "product model"
        self.tally.lines_refused += 1
        self._say(
            f"refused: {what} {line[key]} (HTTP {code}): {message}; "
            f"not written: {json.dumps(line['values'], ensure_ascii=False)}"
        )
        record_key = "uuid" if key == "uuid" else "model"
        return {
            record_key: line[key],
            "refused": code,
            "message": message,
            "values": line["values"],
        }
