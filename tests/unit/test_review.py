"""Review in the domain: what a decision keeps, what it refuses, what goes to the queue and what
the export writes, on hand-written fakes that keep what they are given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from src.domain.access.roles import Caller, Role
from src.domain.errors import ForbiddenError, InvalidRequestError, NotFoundError
from src.domain.model import (
    Field,
    FieldOutcome,
    FieldType,
    ListItem,
    LookupResult,
    OutcomeStatus,
)
from src.domain.model.evidence import Evidence, Span
from src.domain.review import (
    QueuedProduct,
    QueuedValue,
    ReviewDecision,
    Reviewing,
    ReviewQueue,
    ReviewRequest,
    Verdict,
)
from src.domain.review.lookup_results import QueueChoice, reviewed_results, values_to_review
from src.domain.review.model import text_product_id
from src.domain.review.teaching import (
    PROVISIONED,
    REVIEWED,
    StoredExample,
    Teaching,
    teaching_of,
)
from tests.support.fakes import FakeFieldRepository

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
FIELDS = {
    "EF000042": Field("EF000042", "culot", FieldType.SELECT, ("E14", "E27")),
    "EF000035": Field("EF000035", "puissance", FieldType.NUMBER, unit="W"),
    "EF000001": Field("EF000001", "dimmable", FieldType.BOOLEAN),
}
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def reviewer(name: str | None, role: Role = Role.REVIEWER, tenant: str = "default") -> Caller:
    """A key of `role` in `tenant`; None: the open API (no key made)."""
    return Caller(f"key:{name}", name, role, tenant) if name else Caller.open("127.0.0.1")


class FakeStore:
    def __init__(self) -> None:
        self.stored: list[ReviewDecision] = []

    def record(self, decision: ReviewDecision, reviewed_decisions_win: bool) -> ReviewDecision:
        self.stored.append(replace(decision, id=len(self.stored) + 1))
        return self.stored[-1]

    def decisions(self) -> list[ReviewDecision]:
        return list(self.stored)


class FakeQueue:
    def __init__(self) -> None:
        self.values: list[tuple[str, QueuedValue]] = []

    def add(self, tenant: str, values: Sequence[QueuedValue]) -> int:
        self.values.extend(
            (tenant, replace(value, id=len(self.values) + n + 1)) for n, value in enumerate(values)
        )
        return len(values)

    def pending_products(self, tenant: str, limit: int) -> list[QueuedProduct]:
        return []

    def pending_count(self, tenant: str) -> int:
        return sum(1 for owner, _ in self.values if owner == tenant)

    def get(self, tenant: str, item_id: int) -> QueuedValue | None:
        return next((v for owner, v in self.values if owner == tenant and v.id == item_id), None)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def queue() -> FakeQueue:
    return FakeQueue()


@pytest.fixture
def reviewing(store: FakeStore, queue: FakeQueue) -> Reviewing:
    return Reviewing(store, queue, FakeFieldRepository(list(FIELDS.values())), now=lambda: NOON)


def test_an_accepted_value_is_kept_as_proposed_and_typed(
    reviewing: Reviewing, store: FakeStore
) -> None:
    decided = reviewing.decide(
        ReviewRequest(LAMP, "EF000042", Verdict.ACCEPT, proposed="e27", llm="mock", confidence=0.9),
        reviewer("alice"),
    )

    assert store.stored == [decided]
    assert (decided.kept, decided.proposed, decided.reviewer, decided.decided_at) == (
        "E27",
        "E27",
        "alice",
        NOON,
    )
    assert (decided.llm, decided.confidence) == ("mock", 0.9)


def test_a_correction_is_read_as_a_value_of_its_field(reviewing: Reviewing) -> None:
    decided = reviewing.decide(
        ReviewRequest(LAMP, "EF000035", Verdict.CORRECT, proposed=60, corrected="40 W"),
        reviewer(None),
    )

    assert (decided.proposed, decided.kept, decided.reviewer) == (60, 40, "anonymous")


def test_a_rejection_keeps_no_value_whatever_was_proposed(reviewing: Reviewing) -> None:
    decided = reviewing.decide(
        ReviewRequest(LAMP, "EF000001", Verdict.REJECT, proposed=True, corrected=False),
        reviewer("bob"),
    )

    assert (decided.proposed, decided.kept) == (True, None)


@pytest.mark.parametrize(
    ("request_", "location"),
    [
        (ReviewRequest(LAMP, "EF999999", Verdict.ACCEPT, proposed="x"), ("body", "field")),
        (ReviewRequest(LAMP, "EF000042", Verdict.CORRECT, corrected="B22"), ("body", "value")),
        (ReviewRequest(LAMP, "EF000042", Verdict.CORRECT, corrected=None), ("body", "value")),
        (
            ReviewRequest(LAMP, "EF000035", Verdict.ACCEPT, proposed="beaucoup"),
            ("body", "proposed"),
        ),
        (ReviewRequest("  ", "EF000035", Verdict.REJECT), ("body", "description")),
        (ReviewRequest("x" * 10_001, "EF000035", Verdict.REJECT), ("body", "description")),
        (ReviewRequest("a\x00b", "EF000035", Verdict.REJECT), ("body", "description")),
        (ReviewRequest(LAMP, "EF00\x0035", Verdict.REJECT), ("body", "field")),
        (
            ReviewRequest(LAMP, "EF000035", Verdict.REJECT, product_id="p\x00"),
            ("body", "product_id"),
        ),
        (ReviewRequest(LAMP, "EF000035", Verdict.REJECT, llm="\ud800"), ("body", "llm")),
    ],
)
def test_a_decision_that_cannot_be_kept_is_refused_naming_the_part(
    reviewing: Reviewing, store: FakeStore, request_: ReviewRequest, location: tuple[str, ...]
) -> None:
    with pytest.raises(InvalidRequestError) as refused:
        reviewing.decide(request_, reviewer("alice"))

    assert refused.value.location == location
    assert store.stored == []


def test_a_decision_on_a_queued_value_must_be_of_its_tenant_text_and_field(
    reviewing: Reviewing, store: FakeStore, queue: FakeQueue
) -> None:
    queue.add("shop", [QueuedValue("p1", LAMP, "EF000042", "E27")])
    on_item = ReviewRequest(LAMP, "EF000042", Verdict.ACCEPT, proposed="E27", queue_item=1)

    with pytest.raises(NotFoundError):
        reviewing.decide(on_item, reviewer("eve", tenant="rival"))
    with pytest.raises(NotFoundError):
        reviewing.decide(replace(on_item, queue_item=2), reviewer("alice", tenant="shop"))
    with pytest.raises(InvalidRequestError) as other_text:
        reviewing.decide(replace(on_item, description=LAMP + "!"), reviewer("a", tenant="shop"))
    with pytest.raises(InvalidRequestError) as other_field:
        reviewing.decide(
            replace(on_item, field_code="EF000035", proposed=40), reviewer("a", tenant="shop")
        )
    assert other_text.value.location == ("body", "description")
    assert other_field.value.location == ("body", "field")
    assert store.stored == []
    decided = reviewing.decide(on_item, reviewer("alice", tenant="shop"))
    assert (decided.tenant, decided.queue_item) == ("shop", 1)


def test_only_a_reviewer_decides_and_only_an_admin_reads_or_accepts_corrections(
    reviewing: Reviewing, store: FakeStore
) -> None:
    request_ = ReviewRequest(LAMP, "EF000042", Verdict.ACCEPT, proposed="E27")

    with pytest.raises(ForbiddenError, match="'reviewer'"):
        reviewing.decide(request_, reviewer("pim", Role.LOOKUP))
    with pytest.raises(ForbiddenError, match="'admin'"):
        reviewing.corrections(reviewer("alice"))
    with pytest.raises(ForbiddenError, match="'admin'"):
        reviewing.accept(1, reviewer("alice"))
    assert store.stored == []


def test_the_queue_takes_typed_values_all_or_none(queue: FakeQueue) -> None:
    review_queue = ReviewQueue(queue, FakeFieldRepository(list(FIELDS.values())))

    assert (
        review_queue.add(
            [QueuedValue("p1", LAMP, "EF000035", "40W"), QueuedValue("p1", LAMP, "EF000042", "e27")]
        )
        == 2
    )
    assert [value.value for _, value in queue.values] == [40, "E27"]
    with pytest.raises(InvalidRequestError) as refused:
        review_queue.add(
            [QueuedValue("p2", LAMP, "EF000042", "E27"), QueuedValue("p2", LAMP, "EF000042", "B22")]
        )
    assert refused.value.location == ("body", "items", 1, "value")
    assert len(queue.values) == 2


def test_enrich_queues_the_flagged_values_or_all_the_proposed_ones() -> None:
    result = LookupResult(
        "mock",
        (
            FieldOutcome(
                "EF000042",
                "E27",
                OutcomeStatus.OK,
                confidence=0.4,
                review=True,
                evidence=Evidence(
                    (Span.of(LAMP, LAMP.index("E27"), LAMP.index("E27") + 3),), verbatim=True
                ),
            ),
            FieldOutcome("EF000035", 40, OutcomeStatus.OK, confidence=0.95, review=False),
            FieldOutcome("EF000001", None, OutcomeStatus.NOT_FOUND),
            FieldOutcome("EF000002", None, OutcomeStatus.TIMEOUT),
        ),
    )

    flagged = values_to_review("p1", LAMP, result, QueueChoice.FLAGGED)
    assert [(v.field_code, v.value, v.confidence, v.llm) for v in flagged] == [
        ("EF000042", "E27", 0.4, "mock")
    ]
    assert LAMP[flagged[0].evidence[0].start : flagged[0].evidence[0].end] == "E27"
    assert [v.field_code for v in values_to_review("p1", LAMP, result, QueueChoice.ALL)] == [
        "EF000042",
        "EF000035",
        "EF000001",
    ]
    assert values_to_review("p1", LAMP, result, QueueChoice.NONE) == []


CERTIFICATIONS = Field(
    "EF009002", "Certifications", FieldType.SELECT, ("CE", "RoHS", "UL"), multiple=True
)
CERTIFIED = "Bloc d'alimentation certifié CE et RoHS"


def at(word: str) -> Evidence:
    start = CERTIFIED.index(word)
    return Evidence((Span.of(CERTIFIED, start, start + len(word)),), verbatim=True)


def test_a_lists_items_are_queued_with_it_typed_as_its_field_reads_them(queue: FakeQueue) -> None:
    items = (ListItem("ce", 0.96, at("CE"), False), ListItem("RoHS", 0.42, at("RoHS"), True))
    result = LookupResult(
        "mock",
        (FieldOutcome(CERTIFICATIONS.code, ["CE", "RoHS"], OutcomeStatus.OK, 0.42, items=items),),
    )
    [queued] = values_to_review("p1", CERTIFIED, result, QueueChoice.ALL)
    assert queued.items == items

    ReviewQueue(queue, FakeFieldRepository([CERTIFICATIONS])).add([queued])

    [(_, kept)] = queue.values
    assert kept.items is not None
    assert [(i.value, i.confidence, i.evidence, i.review) for i in kept.items] == [
        ("CE", 0.96, at("CE"), False),
        ("RoHS", 0.42, at("RoHS"), True),
    ]


@pytest.mark.parametrize(
    ("value", "items", "says"),
    [
        (["CE", "RoHS"], ["CE", "UL"], "are not those of the value"),
        (["CE", "RoHS"], ["RoHS", "CE"], "are not those of the value"),
        (["CE"], ["CE", "CE"], "are not those of the value"),
        (None, ["CE"], "which is not a list"),
    ],
)
def test_items_that_are_not_the_lists_are_refused_naming_them(
    queue: FakeQueue, value: list[str] | None, items: list[str], says: str
) -> None:
    review_queue = ReviewQueue(queue, FakeFieldRepository([CERTIFICATIONS]))
    listed = tuple(ListItem(item, 0.5) for item in items)

    with pytest.raises(InvalidRequestError) as refused:
        review_queue.add(
            [
                QueuedValue("p1", CERTIFIED, CERTIFICATIONS.code, ["CE"]),
                QueuedValue("p1", CERTIFIED, CERTIFICATIONS.code, value, items=listed),
            ]
        )

    assert refused.value.location == ("body", "items", 1, "items")
    assert says in str(refused.value)
    assert queue.values == []


def test_the_export_holds_each_fields_last_decision_per_product() -> None:
    def decided(
        field: str,
        kept: object,
        minutes: int,
        product: str | None = "p1",
        llm: str | None = "mock",
        teaching: Teaching = Teaching.MADE,
    ) -> ReviewDecision:
        return ReviewDecision(
            LAMP,
            field,
            Verdict.CORRECT,
            None,
            kept,
            "alice",
            NOON + timedelta(minutes=minutes),  # type: ignore[arg-type]
            llm=llm,
            product_id=product,
            teaching=teaching,
        )

    results = dict(
        reviewed_results(
            [
                decided("EF000035", 60, 0),
                decided("EF000042", None, 1),
                decided("EF000035", 40, 2),
                decided("EF000035", 12, 3, product=None, llm=None),
                decided("EF000042", "E14", 4, teaching=Teaching.PENDING),  # not accepted yet
            ]
        )
    )

    assert list(results) == ["p1", text_product_id(LAMP)]
    assert results["p1"].values() == {"EF000035": 40, "EF000042": None}
    assert [o.status for o in results["p1"].outcomes] == [OutcomeStatus.OK, OutcomeStatus.NOT_FOUND]
    assert results["p1"].llm == "mock"
    assert results[text_product_id(LAMP)].llm == "review"


@pytest.mark.parametrize(
    ("stored", "kept", "wins", "teaching"),
    [
        (None, "E27", False, Teaching.MADE),
        (StoredExample("E14", REVIEWED), "E27", False, Teaching.MADE),
        (StoredExample("E27", PROVISIONED), "E27", False, Teaching.AGREES),
        (StoredExample("E14", PROVISIONED), "E27", False, Teaching.PENDING),
        (StoredExample("E14", PROVISIONED), None, False, Teaching.PENDING),
        (StoredExample("E14", PROVISIONED), "E27", True, Teaching.ACCEPTED),
    ],
)
def test_a_decision_never_overwrites_the_catalogue_label_unless_reviewed_decisions_win(
    stored: StoredExample | None, kept: str | None, wins: bool, teaching: Teaching
) -> None:
    assert teaching_of(stored, kept, wins) is teaching
