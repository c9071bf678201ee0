"""The lookup's response bodies: each field's outcome, with its evidence and trust signals, and
the token usage."""

from __future__ import annotations

from pydantic import BaseModel, Field

from src.adapters.driving.http.schemas import JSONValue
from src.domain.model import (
    FieldOutcome,
    ListItem,
    LookupResult,
    OutcomeSource,
    OutcomeStatus,
    TokenUsage,
)
from src.domain.model.evidence import NO_EVIDENCE, Evidence


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int = Field(
        default=0,
        description="Prompt tokens the model did not read again "
        "(a prefix kept from its previous completion).",
    )

    @classmethod
    def of(cls, usage: TokenUsage) -> Usage:
        return cls(
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cached_prompt_tokens=usage.cached_prompt_tokens,
        )


class EvidenceSpan(BaseModel):
    start: int = Field(
        ge=0,
        description="Where the span starts, in Unicode code points of the description as sent.",
    )
    end: int = Field(
        ge=0, description="Where it ends (exclusive): `text` is `description[start:end]`."
    )
    text: str


class ItemDetail(BaseModel):
    """One item of a list value (a field with `multiple`), with its own trust signals."""

    value: str
    evidence: list[EvidenceSpan] = Field(
        default_factory=list,
        description="Where the item was read in the description; [] when the text does not "
        "hold it.",
    )
    verbatim: bool = Field(
        default=False, description="The item is written as such in the description."
    )
    confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="How likely the item is right; null when the backend gives no measure.",
    )
    review: bool | None = Field(
        default=None,
        description="Whether the item is under its field's threshold (or none is known): "
        "the list needs review when any item does.",
    )

    @classmethod
    def of(cls, item: ListItem) -> ItemDetail:
        evidence = item.evidence or NO_EVIDENCE
        return cls(
            value=item.value,
            evidence=_spans(evidence),
            verbatim=evidence.verbatim,
            confidence=item.confidence,
            review=item.review,
        )


class FieldDetail(BaseModel):
    value: JSONValue
    status: OutcomeStatus
    raw: str | None = None
    elapsed_ms: float
    error: str | None = None
    llm: str | None = None
    usage: Usage | None = None
    cached: bool = False
    source: OutcomeSource = Field(
        default=OutcomeSource.MODEL,
        description="What answered: the model, or the pre-pass's rules on the text.",
    )
    evidence: list[EvidenceSpan] = Field(
        default_factory=list,
        description="Where the value was read in the description; "
        "[] when the text does not hold it.",
    )
    verbatim: bool = Field(
        default=False, description="The value is written as such in the description."
    )
    confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="How likely the value is right; null when the backend gives no measure.",
    )
    review: bool | None = Field(
        default=None,
        description="Whether a person should check the value "
        "(under its field's threshold, or none is known); "
        "null without a value.",
    )
    escalation: str | None = Field(
        default=None,
        description="Why the value was asked again of another LLM (`llm` says who answered).",
    )
    items: list[ItemDetail] | None = Field(
        default=None,
        description="For a list value (a field with `multiple`), each item with its evidence, "
        "confidence and review flag, in the value's order; `confidence` is then the least of "
        "the items'. Null for any other value.",
    )

    @classmethod
    def of(cls, outcome: FieldOutcome) -> FieldDetail:
        usage = outcome.usage
        evidence = outcome.evidence or NO_EVIDENCE
        return cls(
            value=outcome.value,
            status=outcome.status,
            raw=outcome.raw,
            elapsed_ms=round(outcome.elapsed_ms, 1),
            error=outcome.error,
            llm=outcome.llm,
            usage=Usage.of(usage) if usage else None,
            cached=outcome.cached,
            source=outcome.source,
            evidence=_spans(evidence),
            verbatim=evidence.verbatim,
            confidence=outcome.confidence,
            review=outcome.review,
            escalation=outcome.escalation,
            items=None if outcome.items is None else [ItemDetail.of(i) for i in outcome.items],
        )


def _spans(evidence: Evidence) -> list[EvidenceSpan]:
    return [EvidenceSpan(start=s.start, end=s.end, text=s.text) for s in evidence.spans]


class LookupDetail(BaseModel):
    llm: str
    elapsed_ms: float
    usage: Usage
    fields: dict[str, FieldDetail]

    @classmethod
    def of(cls, result: LookupResult) -> LookupDetail:
        return cls(
            llm=result.llm,
            elapsed_ms=round(result.elapsed_ms, 1),
            usage=Usage.of(result.usage),
            fields={outcome.field_code: FieldDetail.of(outcome) for outcome in result.outcomes},
        )
