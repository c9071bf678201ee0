"""The bodies of the review queue's API: values sent to wait for a reviewer, and the products
whose values wait."""

from __future__ import annotations

from pydantic import BaseModel, Field

from src.adapters.driving.http.lookup_schemas import ItemDetail
from src.adapters.driving.http.review_schemas import EvidenceOut, ProductId
from src.adapters.driving.http.schemas import NOT_BLANK, FieldCode, JSONValue
from src.domain.model import ListItem
from src.domain.model.evidence import Evidence
from src.domain.model.kinds import MAX_ITEMS
from src.domain.review import QueuedProduct, QueuedValue
from src.domain.review.model import text_product_id


class ItemIn(BaseModel):
    """One item of a list value with its own trust signals, as a lookup's `items` give it."""

    value: str
    confidence: float | None = Field(default=None, ge=0, le=1, strict=True)
    evidence: list[EvidenceOut] = Field(default_factory=list, max_length=100)
    verbatim: bool = False
    review: bool | None = Field(
        default=None, description="Whether the item was under its field's threshold."
    )

    def item(self) -> ListItem:
        spans = tuple(evidence.span() for evidence in self.evidence)
        return ListItem(self.value, self.confidence, Evidence(spans, self.verbatim), self.review)


class QueueItemIn(BaseModel):
    description: str = Field(
        min_length=1,
        description="The product text (at most MAX_DESCRIPTION_CHARS characters, as a lookup's).",
        json_schema_extra=NOT_BLANK,
    )
    field: FieldCode
    value: JSONValue = Field(description="The proposed value (null: the LLM found none).")
    product_id: str | None = ProductId
    llm: str | None = Field(default=None, max_length=64)
    confidence: float | None = Field(default=None, ge=0, le=1, strict=True)
    evidence: list[EvidenceOut] = Field(default_factory=list, max_length=100)
    items: list[ItemIn] | None = Field(
        default=None,
        max_length=MAX_ITEMS,
        description="A list value's items, in its order, each with its confidence and evidence "
        "(a lookup's `items`); null for another value.",
    )

    def queued(self) -> QueuedValue:
        return QueuedValue(
            product_id=self.product_id or text_product_id(self.description),
            description=self.description,
            field_code=self.field,
            value=self.value,
            llm=self.llm,
            confidence=self.confidence,
            evidence=tuple(evidence.span() for evidence in self.evidence),
            items=None if self.items is None else tuple(item.item() for item in self.items),
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
    items: list[ItemDetail] | None = Field(
        default=None,
        description="A list value's items, in its order, each with its confidence, evidence and "
        "review flag as it was queued; null for another value, or when they were not given.",
    )
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
        evidence=[EvidenceOut.of(span) for span in value.evidence],
        items=None if value.items is None else [ItemDetail.of(item) for item in value.items],
    )
