"""Decisions and the queue on real databases: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

from peewee import Database
from peewee_migrate import Router

from src.adapters.driven.storage.migrations import MIGRATIONS_DIR
from src.adapters.driven.storage.review_tables import ReviewDecisionRow
from src.adapters.driven.storage.tables import CatalogueVersionRow, ExampleRow, LookupCacheRow
from src.bootstrap import Container
from src.domain.access.roles import Caller, Role
from src.domain.model import Field, FieldType, ListItem, LookupRequest
from src.domain.model.evidence import Evidence, Span
from src.domain.review import QueuedValue, ReviewRequest, Verdict
from src.domain.review.teaching import Teaching
from tests.e2e.conftest import provisioned

LAMP = "Ampoule halogène 42W culot B22d 230V, lumière blanc chaud"
OTHER = "Lampe incandescente forme Standard 60X103 12V 40W E27"
ALICE = Caller("key:alice", "alice", Role.REVIEWER, "default")
BOB = Caller("key:bob", "bob", Role.REVIEWER, "default")
ADMIN = Caller("key:root", "root", Role.ADMIN, "default")
OPEN = Caller.open("127.0.0.1")
CERTIFICATIONS = Field(
    "EF009002", "Certifications", FieldType.SELECT, ("CE", "RoHS", "UL"), multiple=True
)
CERTIFIED = "Bloc d'alimentation certifié CE et RoHS, UL en cours"


def version(db: Database) -> int:
    return (
        CatalogueVersionRow.select(CatalogueVersionRow.version)
        .where(CatalogueVersionRow.id == 1)
        .scalar(db)
    )


def cached_answers(db: Database, at_least: int, seconds: float = 5.0) -> int:
    """The cache is written after the answer, in the background: wait until it shows."""
    give_up = time.monotonic() + seconds
    while (count := LookupCacheRow.select().count(db)) < at_least and time.monotonic() < give_up:
        time.sleep(0.05)
    return count


def example(db: Database, field: str, context: str) -> tuple[object, ...]:
    return (
        ExampleRow.select(ExampleRow.value, ExampleRow.provenance)
        .where((ExampleRow.field == field) & (ExampleRow.context == context))
        .tuples()
        .execute(db)[0]
    )


def decode(stored: object) -> object:
    return None if stored is None else json.loads(str(stored))


def test_a_correction_is_stored_with_its_example_and_moves_the_catalogue(
    container: Container,
) -> None:
    provisioned(container)
    db = container.storage.database
    container.lookup.lookup(LookupRequest(OTHER, ("EF000035",)))
    assert cached_answers(db, 1) == 1
    before = version(db)

    decided = container.reviewing.decide(
        ReviewRequest(
            LAMP,
            "EF000035",
            Verdict.CORRECT,
            proposed=230,
            corrected="42",
            llm="mock",
            confidence=0.3,
            product_id="sku-1",
        ),
        ALICE,
    )

    columns = (
        ReviewDecisionRow.reviewer,
        ReviewDecisionRow.verdict,
        ReviewDecisionRow.proposed,
        ReviewDecisionRow.kept,
        ReviewDecisionRow.llm,
        ReviewDecisionRow.confidence,
    )
    stored = (
        ReviewDecisionRow.select(*columns)
        .where(ReviewDecisionRow.id == decided.id)
        .tuples()
        .execute(db)
    )
    assert list(stored) == [("alice", "correct", "230", "42", "mock", 0.3)]
    assert example(db, "EF000035", LAMP) == ("42", "reviewed")
    assert version(db) == before + 1
    assert LookupCacheRow.select().count(db) == 1  # the cache is not emptied...
    again = container.lookup.lookup(LookupRequest(OTHER, ("EF000035",)))
    assert again.outcomes[0].cached is False  # ...but the field's answers are asked anew
    shots = container.storage.examples.most_similar(["EF000035"], LAMP, k=1)["EF000035"]
    assert (shots[0].context, shots[0].value) == (LAMP, 42)
    assert container.reviewing.decisions()[0].decided_at == decided.decided_at


def test_the_same_decision_again_keeps_one_example_and_the_cache(container: Container) -> None:
    provisioned(container)
    db = container.storage.database
    request = ReviewRequest(LAMP, "EF000042", Verdict.ACCEPT, proposed="B22d")
    container.reviewing.decide(request, OPEN)
    container.lookup.lookup(LookupRequest(OTHER, ("EF000042",)))
    assert cached_answers(db, 1) == 1

    container.reviewing.decide(request, OPEN)

    assert (
        ExampleRow.select()
        .where((ExampleRow.field == "EF000042") & (ExampleRow.context == LAMP))
        .count(db)
        == 1
    )
    assert LookupCacheRow.select().count(db) == 1
    assert [d.reviewer for d in container.reviewing.decisions()] == ["anonymous", "anonymous"]


def test_a_provisioned_example_overruled_by_a_reviewer_stays_until_an_admin_accepts(
    container: Container,
) -> None:
    provisioned(container)
    db = container.storage.database
    [(context, provenance)] = (
        ExampleRow.select(ExampleRow.context, ExampleRow.provenance)
        .where(ExampleRow.field == "EF000042")
        .order_by(ExampleRow.id)
        .limit(1)
        .tuples()
        .execute(db)
    )
    assert provenance == "provisioned"
    label = example(db, "EF000042", context)[0]
    before = version(db)

    decided = container.reviewing.decide(ReviewRequest(context, "EF000042", Verdict.REJECT), BOB)

    assert example(db, "EF000042", context) == (label, "provisioned")
    assert version(db) == before  # nothing the prompts use changed
    assert [d.id for d in container.reviewing.corrections(ADMIN)] == [decided.id]
    assert decided.id is not None
    accepted = container.reviewing.accept(decided.id, ADMIN)
    assert example(db, "EF000042", context) == (None, "reviewed")
    assert (accepted.accepted_by, accepted.catalogue_value) == ("root", decode(label))
    assert container.reviewing.corrections(ADMIN) == []
    assert version(db) == before + 1


def test_the_queue_hands_products_in_order_and_forgets_decided_values(container: Container) -> None:
    provisioned(container)
    queue = container.review_queue
    values = [
        QueuedValue("sku-1", LAMP, "EF000042", "B22d", llm="mock", confidence=0.4),
        QueuedValue("sku-2", OTHER, "EF000042", "E27"),
        QueuedValue("sku-1", LAMP, "EF000035", 230),
    ]
    assert queue.add(values) == 3
    assert queue.add(values[:1]) == 0  # queued already: left as it is
    assert queue.add(values[:1], "rival") == 1  # another tenant's queue is its own
    assert queue.pending_count("rival") == 1

    products = queue.pending("default", 10)
    assert [(p.product_id, [v.field_code for v in p.values]) for p in products] == [
        ("sku-1", ["EF000042", "EF000035"]),
        ("sku-2", ["EF000042"]),
    ]
    assert products[0].values[0].confidence == 0.4 and products[0].description == LAMP
    first = products[0].values[0]
    container.reviewing.decide(
        ReviewRequest(
            LAMP,
            "EF000042",
            Verdict.ACCEPT,
            proposed="B22d",
            product_id="sku-1",
            queue_item=first.id,
        ),
        ALICE,
    )

    assert queue.pending_count("default") == 2
    assert queue.pending_count("rival") == 1
    assert [
        (p.product_id, [v.field_code for v in p.values]) for p in queue.pending("default", 5)
    ] == [
        ("sku-2", ["EF000042"]),
        ("sku-1", ["EF000035"]),  # the oldest value waiting comes first
    ]


def test_a_queued_lists_items_come_back_with_their_confidence_and_evidence(
    container: Container,
) -> None:
    container.provisioning.provision([CERTIFICATIONS], [])
    ce, rohs = CERTIFIED.index("CE"), CERTIFIED.index("RoHS")
    items = (
        ListItem("CE", 0.96, Evidence((Span.of(CERTIFIED, ce, ce + 2),), verbatim=True), False),
        ListItem("RoHS", 0.42, Evidence((Span.of(CERTIFIED, rohs, rohs + 4),)), True),
        ListItem("UL", None, None, None),
    )
    queue = container.review_queue
    queue.add(
        [
            QueuedValue("psu-1", CERTIFIED, CERTIFICATIONS.code, ["CE", "RoHS", "UL"], items=items),
            QueuedValue("psu-2", CERTIFIED, CERTIFICATIONS.code, ["CE"]),
        ]
    )

    first, second = queue.pending("default", 10)
    assert first.values[0].items == items
    assert first.values[0].items[0].evidence.spans[0].text == "CE"  # type: ignore[union-attr]
    assert second.values[0].items is None


def test_the_reviews_migration_rolls_back_and_applies_again(container: Container) -> None:
    provisioned(container)
    db = container.storage.database
    router = Router(db, migrate_dir=MIGRATIONS_DIR)

    while "005_reviews" in router.done:  # the later migrations first, then this one
        router.rollback()
    tables = db.get_tables()
    assert "review_decision" not in tables and "review_queue" not in tables
    assert "provenance" not in [c.name for c in db.get_columns("example")]

    router.run()
    assert "provenance" in [c.name for c in db.get_columns("example")]
    assert (
        ExampleRow.select().where(ExampleRow.provenance == "provisioned").count(db)
        == ExampleRow.select().count(db)
        > 0
    )


def test_concurrent_decisions_are_all_stored(container: Container) -> None:
    provisioned(container)

    def decide(n: int) -> object:
        request = ReviewRequest(f"Lampe {n} culot E27", "EF000042", Verdict.ACCEPT, proposed="E27")
        return container.reviewing.decide(request, ALICE).teaching

    with ThreadPoolExecutor(8) as pool:
        taught = list(pool.map(decide, range(32)))

    assert taught == [Teaching.MADE] * 32
    assert len(container.reviewing.decisions()) == 32
