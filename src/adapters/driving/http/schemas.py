"""The API's request and response bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from src.domain.model import FieldOutcome, LookupResult, OutcomeSource, OutcomeStatus, TokenUsage
from src.domain.model.evidence import NO_EVIDENCE

JSONValue = float | int | str | bool | None
_BLANK = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = {"pattern": rf"^[^\x00]*[^\x00{_BLANK}][^\x00]*$"}
"""What the schema says of a description or a field code: not blank, that is with a character
that Python's `str.strip` keeps (it removes more than a regex's backslash-s), and no NUL (which
no database stores alike; the lookup refuses it with a 422)."""
NO_NUL = r"^[^\x00]*$"


def _not_blank_code(code: str) -> str:
    if not code.strip():
        raise ValueError("the field code is blank")
    return code


FieldCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_not_blank_code),
    Field(json_schema_extra=NOT_BLANK),
]
"""Stripped by the lookup; checked here on the text as sent, as the schema says."""


class LookupBody(BaseModel):
    description: str = Field(
        min_length=1, description="The product text to read.", json_schema_extra=NOT_BLANK
    )
    llm: str | None = Field(
        default=None, min_length=1, description="A configured LLM name; the default when absent."
    )
    fields: list[FieldCode] = Field(min_length=1, description="The field codes to look up.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "description": "Lampe incandescente forme Standard 60X103 12V 40W E27",
                    "fields": ["EF000042", "EF000035"],
                }
            ]
        }
    )

    @field_validator("description")
    @classmethod
    def _not_blank(cls, description: str) -> str:
        if not description.strip():
            raise ValueError("the description is blank")
        return description


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int = Field(
        default=0,
        description="Prompt tokens the model did not read again (a prefix kept from its previous completion).",
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
        description="Where the value was read in the description; [] when the text does not hold it.",
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
        description="Whether a person should check the value (under its field's threshold, or none is known); "
        "null without a value.",
    )
    escalation: str | None = Field(
        default=None,
        description="Why the value was asked again of another LLM (`llm` says who answered).",
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
            evidence=[EvidenceSpan(start=s.start, end=s.end, text=s.text) for s in evidence.spans],
            verbatim=evidence.verbatim,
            confidence=outcome.confidence,
            review=outcome.review,
            escalation=outcome.escalation,
        )


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


class FieldOut(BaseModel):
    code: str
    label: str
    type: str
    options: list[str]
    unit: str | None
    description: str | None
    extract: bool = Field(
        default=True, description="A text value is a span of the product text (false: free)."
    )


class LLMsOut(BaseModel):
    default: str
    llms: list[str]


class HealthOut(BaseModel):
    status: str
    database: str


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    detail: list[ErrorItem]


class MessageOut(BaseModel):
    detail: str
