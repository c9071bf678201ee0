"""The bodies of the review API's decisions (the queue's are in `review_queue_schemas.py`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from src.adapters.driving.http.schemas import NOT_BLANK, FieldCode, JSONValue
from src.domain.model.evidence import Span
from src.domain.review import (
    ReviewDecision,
    ReviewRequest,
    Verdict,
)
from src.domain.review.teaching import PROVISIONED, REVIEWED, Teaching

ProductId = Field(
    default=None,
    min_length=1,
    max_length=255,
    description="The product's id in the catalogue; "
    "when absent, one made from the text (`text-` and the start of its SHA-256).",
)


class EvidenceOut(BaseModel):
    start: int = Field(
        ge=0,
        strict=True,
        description="First character (code point) of the span in the description.",
    )
    end: int = Field(ge=0, strict=True, description="One past its last character.")
    text: str

    @classmethod
    def of(cls, span: Span) -> EvidenceOut:
        return cls(start=span.start, end=span.end, text=span.text)

    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


class ReviewBody(BaseModel):
    description: str = Field(
        min_length=1,
        description="The product text the value was read in "
        "(at most MAX_DESCRIPTION_CHARS characters, as a lookup's).",
        json_schema_extra=NOT_BLANK,
    )
    field: FieldCode
    verdict: Verdict = Field(
        description="accept: the proposed value is right; correct: `value` is; "
        "reject: the text does not give a value."
    )
    proposed: JSONValue = Field(
        default=None, description="The value the LLM proposed (null: none)."
    )
    value: JSONValue = Field(
        default=None,
        description="The right value, with `correct`: one of the field's type and options.",
    )
    llm: str | None = Field(default=None, max_length=64, description="The LLM that proposed it.")
    confidence: float | None = Field(
        default=None, ge=0, le=1, strict=True, description="Its confidence, when it gave one."
    )
    product_id: str | None = ProductId
    queue_item: int | None = Field(
        default=None,
        strict=True,
        ge=1,
        le=2**31 - 1,
        description="The queued value this decides (GET /api/reviews/queue).",
    )

    def request(self) -> ReviewRequest:
        return ReviewRequest(
            description=self.description,
            field_code=self.field,
            verdict=self.verdict,
            proposed=self.proposed,
            corrected=self.value,
            llm=self.llm,
            confidence=self.confidence,
            product_id=self.product_id,
            queue_item=self.queue_item,
        )


class ExampleOut(BaseModel):
    field: str
    value: JSONValue
    provenance: str = Field(
        default=REVIEWED,
        description="`reviewed`: the decision's value teaches; `provisioned`: the catalogue's "
        "own label still does.",
    )


class DecisionOut(BaseModel):
    id: int
    field: str
    verdict: Verdict
    proposed: JSONValue
    kept: JSONValue
    reviewer: str = Field(description="The API key's name, or `anonymous` while no key exists.")
    decided_at: datetime
    llm: str | None
    confidence: float | None
    product_id: str | None
    queue_item: int | None
    teaching: Teaching = Field(
        description="made: the decision made (or changed) the example; agrees: it agrees with "
        "the catalogue's own label; pending: it disagrees with it, and the label teaches until "
        "an admin accepts the correction; accepted: it replaced the label."
    )
    catalogue_value: JSONValue = Field(
        default=None, description="The catalogue's own label for the text, when it has one."
    )
    accepted_by: str | None = None
    example: ExampleOut = Field(
        description="The labelled example of the field for the text, as the next lookups use it."
    )

    @classmethod
    def of(cls, decision: ReviewDecision) -> DecisionOut:
        assert decision.id is not None
        return cls(
            id=decision.id,
            field=decision.field_code,
            verdict=decision.verdict,
            proposed=decision.proposed,
            kept=decision.kept,
            reviewer=decision.reviewer,
            decided_at=decision.decided_at,
            llm=decision.llm,
            confidence=decision.confidence,
            product_id=decision.product_id,
            queue_item=decision.queue_item,
            teaching=decision.teaching,
            catalogue_value=decision.catalogue_value,
            accepted_by=decision.accepted_by,
            example=_example(decision),
        )


def _example(decision: ReviewDecision) -> ExampleOut:
    """The example the next lookups use: the catalogue's label while the decision agrees with it
    or waits for an admin, else the decision's value."""
    if decision.teaching in (Teaching.AGREES, Teaching.PENDING):
        return ExampleOut(
            field=decision.field_code, value=decision.catalogue_value, provenance=PROVISIONED
        )
    return ExampleOut(field=decision.field_code, value=decision.kept, provenance=REVIEWED)
