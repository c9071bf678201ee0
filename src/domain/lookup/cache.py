"""What a lookup cache keeps, and the key that says when an answer can be reused."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from src.domain.model import Field, FieldOutcome, ListItem, OutcomeStatus, Value

if TYPE_CHECKING:
    from src.domain.lookup.llms import ConfiguredLLM

CACHEABLE = frozenset({OutcomeStatus.OK, OutcomeStatus.NOT_FOUND})
"""Answers worth keeping: a value, or the model's word that the text does not give one."""


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    value: Value
    status: OutcomeStatus
    raw: str | None
    confidence: float | None = None
    """The answer's confidence when it was given (its evidence is found again in the same text)."""
    item_confidences: tuple[float | None, ...] | None = None
    """A list's items' confidences, in its order, when the cache keeps them (None: each item
    takes the list's)."""

    def outcome(self, field_code: str, llm_name: str) -> FieldOutcome:
        """The answer as a cached outcome of `field_code` by `llm_name`."""
        items = None
        confidences = self.item_confidences
        if isinstance(self.value, list) and confidences and len(confidences) == len(self.value):
            items = tuple(map(ListItem, self.value, confidences))
        return FieldOutcome(
            field_code,
            self.value,
            self.status,
            self.raw,
            llm=llm_name,
            cached=True,
            confidence=self.confidence,
            items=items,
        )


def cache_key(
    llm: ConfiguredLLM, field: Field, description: str, selection: str, answering: str = ""
) -> str:
    """Changes with the LLM, its prompt format and strategy, the examples it shows per field
    (for a shared-prefix layout, its shot products), the field's definition (label, type,
    options, unit, description), its examples' revision, the example selection policy
    (`selection`: its identity, when the strategy shows examples), the version of the code
    that makes answers (`answering`: its prompts, grammars, rules and readings) and the product
    text: the SHA-256 of the JSON list of them all, the text last."""
    head = _key_head(
        llm.name,
        llm.prompt_format.family,
        llm.chain_of_thought.name,
        llm.chain_of_thought.examples_per_field,
        field,
        field.revision,  # not part of a Field's equality: the memo must tell revisions apart
        selection,
        answering,
    )
    tail = f", {json.dumps(description, ensure_ascii=False)}]"
    return hashlib.sha256((head + tail).encode("utf-8")).hexdigest()


@lru_cache(maxsize=4096)
def _key_head(
    llm_name: str,
    family: str,
    strategy: str,
    examples_per_field: int,
    field: Field,
    revision: int,
    selection: str,
    answering: str,
) -> str:
    """The key's JSON list up to the product text (left open): the same for every product a
    field is asked of, so written once per field rather than once per lookup."""
    parts = [
        llm_name,
        family,
        strategy,
        examples_per_field,
        field.code,
        field.label,
        field.type.value,
        list(field.options),
        field.unit,
        field.description,
        *([] if field.extract else ["free text"]),  # only when set: existing keys stay valid
        *([f"revision {revision}"] if revision else []),
        *([selection] if examples_per_field else []),
        *([f"answering {answering}"] if answering else []),
    ]
    return json.dumps(parts, ensure_ascii=False)[:-1]


class NoCache:
    """A LookupCache that keeps nothing (LOOKUP_CACHE=off)."""

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        return {}

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        return None
