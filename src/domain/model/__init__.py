"""Values of the product-field lookup domain."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias, TypedDict

from src.domain.model.evidence import Evidence
from src.domain.model.evidence import ListItem as ListItem
from src.domain.model.sums import Summable


class RangeValue(TypedDict):
    """A range's value, `{"min": 100, "max": 240}` in its field's unit; None at an open end."""

    min: float | int | None
    max: float | int | None


Value: TypeAlias = float | int | str | bool | RangeValue | list[str] | None
"""A typed attribute value: a number, one option of a select, a boolean, a text, a range,
several options or texts (a field with `multiple`), or nothing."""


def value_key(value: Value) -> object:
    """`value` as a hashable key (a range or a list is a dict or a list, which are not)."""
    if isinstance(value, dict):
        return ("range", value.get("min"), value.get("max"))
    if isinstance(value, list):
        return ("list", *value)
    return value


class FieldType(StrEnum):
    NUMBER = "number"
    SELECT = "select"
    BOOLEAN = "boolean"
    TEXT = "text"
    RANGE = "range"


@dataclass(frozen=True, slots=True)
class Field:
    """A product attribute (an ETIM feature) that can be looked up."""

    code: str
    label: str
    type: FieldType
    options: tuple[str, ...] = ()
    unit: str | None = None
    description: str | None = None
    extract: bool = True
    """A text field's value is a span of the product text (False: free, e.g. a colour name
    normalised from a code); chains of thought that hold text to the text honour it."""
    multiple: bool = False
    """The value is a list of the kind's values (several options of a select, several texts),
    for the kinds that allow it."""
    revision: int = field(default=0, compare=False)
    """Raised whenever the field's labelled examples change: answers cached before are not
    served again (those of other fields are)."""


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled example: the value of one field as a product text states it (None: not stated)."""

    field_code: str
    context: str
    value: Value

    def __hash__(self) -> int:
        return hash((self.field_code, self.context, value_key(self.value)))


@dataclass(frozen=True, slots=True)
class LookupRequest:
    """Which fields to find in one product description, and with which named LLM (None: default)."""

    description: str
    field_codes: tuple[str, ...]
    llm: str | None = None
    exclude_example_context: str | None = None
    """Leave this product text out of the few-shot examples (evaluating a labelled product)."""
    trust: bool = True
    """Give each value its trust signals: its evidence in the text, its calibrated confidence
    and its review flag. False for an answer that shows the values alone (the API's lookup
    without `detail`): the outcomes come as the backends and rules gave them."""


class OutcomeStatus(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    UNKNOWN_FIELD = "unknown_field"
    TIMEOUT = "timeout"
    INVALID_OUTPUT = "invalid_output"
    ERROR = "error"


class OutcomeSource(StrEnum):
    MODEL = "model"
    PREPASS = "prepass"


@dataclass(frozen=True, slots=True)
class TokenUsage(Summable):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    """Of the prompt tokens, those the backend did not read again: a prefix it kept from the
    previous completion (llama.cpp's KV cache)."""

    @property
    def prompt_tokens_read(self) -> int:
        return self.prompt_tokens - self.cached_prompt_tokens


@dataclass(frozen=True, slots=True)
class FieldOutcome:
    """What the lookup of one field gave: the value, why, and what the model said."""

    field_code: str
    value: Value
    status: OutcomeStatus
    raw: str | None = None
    elapsed_ms: float = 0.0
    error: str | None = None
    usage: TokenUsage | None = None
    llm: str | None = None
    cached: bool = False
    source: OutcomeSource = OutcomeSource.MODEL
    """Who answered: the model, or a deterministic rule of the pre-pass (before the model was
    asked, or in place of the model's null or less sure value)."""
    evidence: Evidence | None = None
    """Where the value stands in the text (`Evidence()`: nowhere); None until it is located."""
    confidence: float | None = None
    """How likely the value is right, in [0, 1], as its backend or rule measures it; None when
    it gives no measure."""
    review: bool | None = None
    """Whether a person should check the value: its confidence is under its field's threshold,
    or no threshold is known; None for an outcome without a value."""
    escalation: str | None = None
    """Why the value was asked again of the LLM's `escalate_to`, and what came of it."""
    items: tuple[ListItem, ...] | None = None
    """For a list value (a field with `multiple`), each item's evidence, confidence and review
    flag, in the value's order; `confidence` is then the least of the items', and `evidence`
    every item's spans. None for any other value."""


@dataclass(frozen=True, slots=True)
class LookupResult:
    """The answer to a LookupRequest: one outcome per requested field, in request order."""

    llm: str
    outcomes: tuple[FieldOutcome, ...]
    elapsed_ms: float = 0.0
    usage: TokenUsage = field(default_factory=TokenUsage)

    def values(self) -> dict[str, Value]:
        return {outcome.field_code: outcome.value for outcome in self.outcomes}
