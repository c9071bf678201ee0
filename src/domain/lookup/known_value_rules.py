"""The pre-pass rules of text fields read from their labelled values, for the fields of one
lookup: a known value (`prepass/known_values.py`), else a quantity in the field's unit
(`prepass/unit_values.py`), else a code of the field's shapes (`prepass/code_values.py`), else
a code beside the words the field's codes stand beside (`prepass/anchored_codes.py`), else the
text's first code (`prepass/first_codes.py`), else a size at the field's place among the text's
dimensions (`prepass/dimension_values.py`), else a number in the field's wording
(`prepass/number_patterns.py`); and the fields' odds of null (`null_odds.py`). Measured once
per field and set of examples, asked only by an LLM with a pre-pass; a field keeps the rules
that measured themselves reliable to answer ahead of the model, and those reliable enough to
contend with its answers (`prepass/measured.py`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from src.domain.catalogue.ports import LabelledValues
from src.domain.lookup.identity_memo import IdentityMemo
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.null_odds import null_odds
from src.domain.lookup.one_field_per_value import FieldLabels, field_labels
from src.domain.model import Example, Field
from src.domain.model.kinds import kind_of
from src.domain.prompting.prepass.anchored_codes import anchored_codes
from src.domain.prompting.prepass.code_values import code_values
from src.domain.prompting.prepass.dimension_values import dimension_values
from src.domain.prompting.prepass.first_codes import first_codes
from src.domain.prompting.prepass.known_values import known_values
from src.domain.prompting.prepass.measured import Measured
from src.domain.prompting.prepass.number_patterns import number_patterns
from src.domain.prompting.prepass.unit_values import unit_values


class TextRule(Protocol):
    """A text field's rule, measured on its examples: answers a value read in a text, or None."""

    @property
    def measured(self) -> Measured: ...

    def answer(self, description: str, exclude_context: str | None = None) -> str | None: ...


@dataclass(frozen=True, slots=True)
class KnownAnswers:
    """The rules of a lookup's text fields, and the product text whose own labels do not count
    (`evaluate --exclude-own-examples`)."""

    rules: Mapping[str, Sequence[TextRule]] = field(default_factory=dict)
    exclude_context: str | None = None
    null_odds: Mapping[str, float] = field(default_factory=dict)
    """The odds of null of the text fields whose examples mostly hold a value (`null_odds`)."""
    contenders: Mapping[str, Sequence[TextRule]] = field(default_factory=dict)
    """The rules that contend with the model's answer of a field, and do not lead it."""

    def answer(self, code: str, description: str) -> tuple[str, float] | None:
        """The value the field's first answering rule reads in `description`, with that rule's
        confidence."""
        return self._first(self.rules.get(code, ()), description)

    def contending(self, code: str, description: str, against: float) -> tuple[str, float] | None:
        """What the first of the field's contending rules measured more precise than `against`
        (the model's confidence in its answer; 0 for null) reads in `description`, else what
        the first of the others that reads a value reads, with that rule's confidence; each
        rule read at most once."""
        fallback: tuple[str, float] | None = None
        for rule in self.contenders.get(code, ()):
            if fallback is not None and rule.measured.confidence <= against:
                continue  # it could only be a later fallback: not read
            value = rule.answer(description, self.exclude_context)
            if value is None:
                continue
            if rule.measured.confidence > against:
                return value, rule.measured.confidence
            if fallback is None:
                fallback = value, rule.measured.confidence
        return fallback

    def _first(self, rules: Sequence[TextRule], description: str) -> tuple[str, float] | None:
        for rule in rules:
            value = rule.answer(description, self.exclude_context)
            if value is not None:
                return value, rule.measured.confidence
        return None


NO_KNOWN_ANSWERS = KnownAnswers()


@dataclass(frozen=True, slots=True)
class MeasuredField:
    """What a text field's labelled examples measure, whatever product is looked up."""

    rules: tuple[TextRule, ...]
    null_odds: float | None
    labels: FieldLabels


def measured_field(examples: Sequence[Example]) -> MeasuredField:
    """Every rule of a text field measured on its `examples`, its odds of null and its labels."""
    rules: tuple[TextRule, ...] = (
        known_values(examples),
        unit_values(examples),
        code_values(examples),
        anchored_codes(examples),
        first_codes(examples),
        dimension_values(examples),
        number_patterns(examples),
    )
    return MeasuredField(rules, null_odds(examples), field_labels(examples, None))


FIELDS_MEASURED = 1024
"""How many fields' measures a process keeps while their examples do not change."""


class KnownValueRules:
    """Builds a lookup's KnownAnswers from the catalogue's labelled values."""

    def __init__(self, labelled: LabelledValues | None) -> None:
        self._labelled = labelled
        self._measured: IdentityMemo[Sequence[Example], MeasuredField] = IdentityMemo(
            FIELDS_MEASURED
        )

    def of(
        self, llm: ConfiguredLLM, fields: Mapping[str, Field], exclude_context: str | None
    ) -> KnownAnswers:
        if self._labelled is None or llm.prepass is None:
            return NO_KNOWN_ANSWERS
        texts = list(text_codes(fields))
        if not texts:
            return NO_KNOWN_ANSWERS
        rules: dict[str, Sequence[TextRule]] = {}
        contenders: dict[str, Sequence[TextRule]] = {}
        odds: dict[str, float] = {}
        for code, examples in self._labelled.labelled(texts).items():
            measured = self._measured.get(examples, measured_field)
            if reliable := tuple(rule for rule in measured.rules if rule.measured.trusted):
                rules[code] = reliable
            if contending := tuple(
                rule
                for rule in measured.rules
                if rule.measured.contends and not rule.measured.trusted
            ):
                contenders[code] = contending
            field_odds = (
                measured.null_odds
                if exclude_context is None
                else null_odds(examples, exclude_context)
            )
            if field_odds is not None:
                odds[code] = field_odds
        if not rules and not odds and not contenders:
            return NO_KNOWN_ANSWERS
        return KnownAnswers(rules, exclude_context, odds, contenders)

    def labels(
        self, llm: ConfiguredLLM, codes: Sequence[str], exclude_context: str | None
    ) -> dict[str, FieldLabels]:
        """What the labelled values of text fields `codes` say of a value answered for them
        (`one_field_per_value`); nothing without a pre-pass or labelled values."""
        if self._labelled is None or llm.prepass is None:
            return {}
        return {
            code: (
                self._measured.get(examples, measured_field).labels
                if exclude_context is None
                else field_labels(examples, exclude_context)
            )
            for code, examples in self._labelled.labelled(codes).items()
        }


def text_codes(fields: Mapping[str, Field]) -> frozenset[str]:
    """The codes of the fields whose values are spans of the text, one each."""
    return frozenset(
        code
        for code, asked in fields.items()
        if kind_of(asked).spans_of_text and not kind_of(asked).structured
    )
