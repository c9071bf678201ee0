"""Several values of one kind, for a field with `"multiple": true` (a select or a text): a list
of the kind's values, each read by the kind's own rules, repeats dropped, in the order given.

An empty list, or one whose every item says "not stated", is `not_found`; one item that is no
value of the kind, or more than `MAX_ITEMS` items, make the answer `invalid_output`. A single
value is a list of one; a list cut short (a model out of tokens, or stopped repeating itself)
is the items it wrote whole. Two lists match when they hold the same set of values (by the kind's
matching); each item has its evidence, and the list's is every item's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from src.domain.model import Field, OutcomeStatus, Value
from src.domain.model.answers import ParsedValue, listed_items, says_not_found
from src.domain.model.evidence import Evidence
from src.domain.model.kinds.kind import Converter, FieldKind, PrepassRules, TextReader
from src.domain.model.text_normalisation import comparison_key

MAX_ITEMS = 20
"""The most values one field holds."""


class SeveralKind(FieldKind):
    """The kind of a field with `multiple`: lists of `item`'s values."""

    def __init__(self, item: FieldKind) -> None:
        self.item = item
        self.name = item.name
        self.structured = True
        self.spans_of_text = item.spans_of_text

    def coerce(self, field: Field, answer: object) -> ParsedValue:
        if isinstance(answer, str) and answer.startswith(("[", "{")):  # JSON, or cut short
            written = answer
            try:
                answer = json.loads(written)
            except ValueError:
                opened = written.find("[")
                whole = listed_items(written, opened) if opened >= 0 else []
                if not whole:
                    return ParsedValue.invalid()
                answer = [item for item, _, _ in whole]
        if says_not_found(answer):
            return ParsedValue.not_found()
        if isinstance(answer, dict):
            return ParsedValue.invalid()
        answers = answer if isinstance(answer, list) else [answer]
        values: list[Any] = []
        for item in answers:
            parsed = self.item.coerce(field, item.strip() if isinstance(item, str) else item)
            if parsed.status is OutcomeStatus.INVALID_OUTPUT:
                return ParsedValue.invalid()
            if parsed.status is OutcomeStatus.OK and not any(
                self.item.same(field, parsed.value, kept) for kept in values
            ):
                values.append(parsed.value)
        if len(values) > MAX_ITEMS:
            return ParsedValue.invalid()
        return ParsedValue.ok(values) if values else ParsedValue.not_found()

    def why_invalid(self, field: Field, answer: object) -> str:
        if isinstance(answer, list):
            if len(answer) > MAX_ITEMS:
                return f"{len(answer)} values; at most {MAX_ITEMS} are accepted"
            for item in answer:
                stripped = item.strip() if isinstance(item, str) else item
                if self.item.coerce(field, stripped).status is OutcomeStatus.INVALID_OUTPUT:
                    return self.item.why_invalid(field, item)
        return f"{answer!r} is not a list of {self.name} values"

    def instruction(self, field: Field) -> str:
        return f"Answer a JSON list of every value the text gives, each {self.item.summary(field)}."

    def summary(self, field: Field) -> str:
        return f"a list, each {self.item.summary(field)}"

    def value_schema(self, field: Field) -> dict[str, Any]:
        # An item is never null; a length limit of each item would make the embedded model's
        # grammar grow with the product of both limits, and `coerce` needs none.
        single = {k: v for k, v in self.item.value_schema(field).items() if k != "maxLength"}
        if "enum" in single:
            single["enum"] = [option for option in single["enum"] if option is not None]
        elif isinstance(single.get("type"), list):
            types = [t for t in single["type"] if t != "null"]
            single["type"] = types[0] if len(types) == 1 else types
        limit = min(MAX_ITEMS, len(single["enum"])) if "enum" in single else MAX_ITEMS
        listed = {"type": "array", "items": single, "maxItems": limit}
        return {"anyOf": [listed, {"type": "null"}]}

    def schema_from_text(
        self, field: Field, description: str, convert: Converter
    ) -> dict[str, Any] | None:
        """For a select, a list of the options the text names (whole words, case- and
        accent-insensitively), when it names any; for a text with `extract`, a list of spans of
        the text (each item as the kind holds one text); None otherwise."""
        if self.item.spans_of_text:
            return self._spans_from_text(field, description, convert)
        if not field.options:
            return None
        text = comparison_key(description)
        named = [
            option
            for option in field.options
            if (key := comparison_key(option))
            and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text)
        ]
        if not named:
            return None
        listed = {"type": "array", "items": {"enum": named}, "maxItems": len(named)}
        return {"anyOf": [listed, {"type": "null"}]}

    def _spans_from_text(
        self, field: Field, description: str, convert: Converter
    ) -> dict[str, Any] | None:
        single = self.item.schema_from_text(field, description, convert)
        if single is None:
            return None
        item = {**single, "type": "string"}  # an item is never null
        listed = {"type": "array", "items": item, "maxItems": MAX_ITEMS}
        return {"anyOf": [listed, {"type": "null"}]}

    def prepass(self, field: Field, description: str, rules: PrepassRules) -> Value | None:
        return None

    def evidence(
        self, field: Field, description: str, value: Value, reader: TextReader
    ) -> Evidence:
        return merged(self.item_evidence(field, description, value, reader))

    def item_evidence(
        self, field: Field, description: str, value: Value, reader: TextReader
    ) -> tuple[Evidence, ...]:
        """Each item's evidence, in the list's order."""
        if not isinstance(value, list):
            return ()
        return tuple(self.item.evidence(field, description, item, reader) for item in value)

    def same(self, field: Field, expected: Value, predicted: Value) -> bool:
        if not isinstance(expected, list) or not isinstance(predicted, list):
            return False
        return all(self._holds(field, predicted, e) for e in expected) and all(
            self._holds(field, expected, p) for p in predicted
        )

    def item_matches(self, field: Field, expected: Value, predicted: Value) -> int:
        """How many of the predicted items are among the expected ones."""
        if not isinstance(expected, list) or not isinstance(predicted, list):
            return 0
        return sum(1 for p in predicted if self._holds(field, expected, p))

    def provisioning_defect(self, field: Field) -> str | None:
        return self.item.provisioning_defect(field)

    def _holds(self, field: Field, values: list[Any], value: Any) -> bool:
        return any(self.item.same(field, kept, value) for kept in values)


def merged(found: Sequence[Evidence]) -> Evidence:
    """A list's evidence: every item's spans, once each; verbatim when every item is."""
    spans = tuple(dict.fromkeys(span for evidence in found for span in evidence.spans))
    return Evidence(spans, bool(found) and all(evidence.verbatim for evidence in found))
