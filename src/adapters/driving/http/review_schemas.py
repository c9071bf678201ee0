"""The bodies of the review API: a decision, and the queue of values waiting for one."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from src.adapters.driving.http.schemas import NOT_BLANK, FieldCode, JSONValue
from src.domain.model.evidence import Span
from src.domain.review import (
    QueuedProduct,
    QueuedValue,
    ReviewDecision,
    ReviewRequest,
    Verdict,
)
from src.domain.review.model import text_product_id

ProductId = Field(
    default=None,
    min_length=1,
    max_length=255,
    description="The product's id in the catalogue; "
    "when absent, one made from the text (`text-` and the start of its SHA-256).",
)


class EvidenceOut(BaseModel):
    start: int = Field(
        ge=0, description="First character (code point) of the span in the description."
    )
    end: int = Field(ge=0, description="One past its last character.")
    text: str


class ReviewBody(BaseModel):
    description: str = Field(
        min_length=1,
        description="The product text the value was read in.",
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
        default=None, ge=0, le=1, description="Its confidence, when it gave one."
    )
    product_id: str | None = ProductId
    queue_item: int | None = Field(
        default=None,
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
    provenance: str = "reviewed"


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
    example: ExampleOut = Field(
        description="The labelled example the decision made, for the next lookups."
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
            example=ExampleOut(field=decision.field_code, value=decision.kept),
        )


class QueueItemIn(BaseModel):
    description: str = Field(min_length=1, max_length=100_000, json_schema_extra=NOT_BLANK)
    field: FieldCode
    value: JSONValue = Field(description="The proposed value (null: the LLM found none).")
    product_id: str | None = ProductId
    llm: str | None = Field(default=None, max_length=64)
    confidence: float | None = Field(default=None, ge=0, le=1)
    evidence: list[EvidenceOut] = Field(default_factory=list, max_length=100)

    def queued(self) -> QueuedValue:
        return QueuedValue(
            product_id=self.product_id or text_product_id(self.description),
            description=self.description,
            field_code=self.field,
            value=self.value,
            llm=self.llm,
            confidence=self.confidence,
            evidence=tuple(Span(span.start, span.end, span.text) for span in self.evidence),
        )


class QueueBody(BaseModel):
    items: list[QueueItemIn] = Field(min_length=1, max_length=1000, description="Values to review.")


class QueuedOut(BaseModel):
    added: int = Field(description="Values new to the queue (one already queued is left as it is).")
    pending: int


class QueueItemOut(BaseModel):
    id: int
    field: str
    value: JSONValue
    llm: str | None
    confidence: float | None
    evidence: list[EvidenceOut]
    review: bool = True


class QueueProductOut(BaseModel):
    product_id: str
    description: str
    items: list[QueueItemOut]


class QueueOut(BaseModel):
    pending: int = Field(description="Values waiting, in every product.")
    products: list[QueueProductOut] = Field(
        description="The first products waiting, the first queued first."
    )

    @classmethod
    def of(cls, products: list[QueuedProduct], pending: int) -> QueueOut:
        return cls(
            pending=pending,
            products=[
                QueueProductOut(
                    product_id=product.product_id,
                    description=product.description,
                    items=[_item(value) for value in product.values],
                )
                for product in products
            ],
        )


def _item(value: QueuedValue) -> QueueItemOut:
    assert value.id is not None
    return QueueItemOut(
        id=value.id,
        field=value.field_code,
        value=value.value,
        llm=value.llm,
        confidence=value.confidence,
        evidence=[EvidenceOut(start=e.start, end=e.end, text=e.text) for e in value.evidence],
    )
