"""Example selection on both databases: the domain's policy over the candidates the word index
offers (`example_postings`) chooses what pg_trgm's similarity() ranked in SQL over every example
of a field, and SQLite and PostgreSQL choose alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from peewee import Database
from peewee_migrate import Router

from config.settings import Settings
from src.adapters.driven.files.provisioning_files import read_examples, read_fields
from src.adapters.driven.storage import catalogue_store, example_postings
from src.adapters.driven.storage.catalogue_store import PeeweeCatalogueStore
from src.adapters.driven.storage.example_candidates import PeeweeExampleCandidates, best_matched
from src.adapters.driven.storage.example_postings import LISTED, postings_of, read_postings
from src.adapters.driven.storage.migrations import MIGRATIONS_DIR
from src.adapters.driven.storage.repositories import context_hash, decoded_value
from src.bootstrap import Container, bootstrap
from src.domain.access.roles import Caller, Role
from src.domain.catalogue.selection import CANDIDATE_BOUND, SelectedExamples, TrigramSimilarity
from src.domain.model import Example, Field, FieldType
from src.domain.review import ReviewRequest, Verdict
from tests.conftest import PROJECT_DATA, empty_tables

LAMP = Field("EF000042", "culot", FieldType.SELECT, ("E27", "E14", "GU10"))
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")

RANKED_IN_SQL = """
SELECT field_code, context, value FROM (
    SELECT field_code, context, value, ROW_NUMBER() OVER (
        PARTITION BY field_code ORDER BY similarity(context, %s) DESC, id
    ) AS rank
    FROM example WHERE field_code = ANY(%s) {exclude}
) AS ranked
WHERE rank <= %s
ORDER BY field_code, rank
"""
"""The reference: every example of the fields ranked by pg_trgm in PostgreSQL."""


def ranked_in_sql(
    database: Database, codes: Sequence[str], text: str, k: int, exclude: str | None = None
) -> dict[str, list[Example]]:
    sql = RANKED_IN_SQL.format(exclude="AND context_hash <> %s" if exclude else "")
    params = [text, list(codes), *([context_hash(exclude)] if exclude else []), k]
    found: dict[str, list[Example]] = {}
    with database.connection_context():
        for code, context, value in database.execute_sql(sql, params).fetchall():
            found.setdefault(code, []).append(Example(code, context, decoded_value(value)))
    return found


@pytest.fixture
def both(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Container, Container]]:
    """An SQLite container and a PostgreSQL one, migrated and empty."""
    built = []
    for url in (f"sqlite:///{tmp_path / 'lookup.db'}", postgres_url):
        environ = {"CONFIG_MODULE": "config.mock", "DATABASE_URL": url}
        container = bootstrap(Settings.from_env(environ))
        container.migrate()
        empty_tables(container)
        built.append(container)
    yield built[0], built[1]
    for container in built:
        container.close()


def test_the_project_catalogue_is_chosen_as_pg_trgm_ranked_it_in_sql(
    both: tuple[Container, Container],
) -> None:
    """The project's catalogue is under the bound: every example of a field is ranked."""
    fields = read_fields(PROJECT_DATA / "fields.json")
    records = read_examples(PROJECT_DATA / "examples.json")
    per_field = [sum(r.field_code == f.code for r in records) for f in fields]
    assert 10 < max(per_field) <= CANDIDATE_BOUND
    for container in both:
        container.provisioning.provision(fields, records)
    sqlite, postgres = both
    codes = [field.code for field in fields]
    rows = [
        json.loads(line) for line in (PROJECT_DATA / "benchmark.jsonl").read_text().splitlines()
    ]
    compared = 0
    for row in rows:
        wanted = [code for code in row["expected"] if code in codes]
        expected = ranked_in_sql(postgres.storage.database, wanted, row["description"], 3)
        found = postgres.storage.examples.most_similar(wanted, row["description"], k=3)
        assert found == expected, row["description"]
        assert sqlite.storage.examples.most_similar(wanted, row["description"], k=3) == expected
        compared += sum(len(chosen) for chosen in expected.values())
    assert compared > 3 * len(rows)  # most fields of the benchmark have examples to rank


SOCKETS = ("E27", "E14", "GU10", "B22", "G9")
KINDS = ("Ampoule LED filament", "Spot halogène", "Tube fluorescent", "Ampoule flamme", "Globe")
COLOURS = ("blanc chaud", "blanc froid", "ambre", "lumière du jour")


def lamp_texts(count: int) -> list[str]:
    """Varied lamp texts: a kind, a socket, a power, a colour and a brand."""
    return [
        f"{KINDS[n % 5]} {SOCKETS[(n // 5) % 5]} {4 + n % 13}W {COLOURS[(n // 3) % 4]} "
        f"marque{n % 7} réf. {1000 + n}"
        for n in range(count)
    ]


DESCRIPTIONS = (
    "Ampoule LED filament E27 7W blanc chaud marque3",
    "Spot halogène GU10 35W lumière du jour",
    "Tube fluorescent B22 12W ambre marque5 réf. 1042",
    "Globe G9 9W blanc froid",
    "Ampoule flamme E14 4W",
)


def test_above_the_bound_both_indexes_find_what_pg_trgm_ranked_first(
    both: tuple[Container, Container],
) -> None:
    """Fields of 120 and 90 examples, 16 ranked a lookup: the candidates come from the word
    indexes, the same on both databases."""
    examples = [Example(LAMP.code, text, SOCKETS[n % 5]) for n, text in enumerate(lamp_texts(120))]
    examples += [Example(POWER.code, text, 4 + n % 13) for n, text in enumerate(lamp_texts(90))]
    policy = TrigramSimilarity(bound=16)
    chosen = []
    for container in both:
        PeeweeCatalogueStore(container.storage.database).provision([LAMP, POWER], examples)
        selection = SelectedExamples(PeeweeExampleCandidates(container.storage.database), policy)
        chosen.append(
            [selection.most_similar([LAMP.code, POWER.code], text, k=3) for text in DESCRIPTIONS]
        )
    postgres = both[1].storage.database
    expected = [ranked_in_sql(postgres, [LAMP.code, POWER.code], t, 3) for t in DESCRIPTIONS]
    assert chosen[1] == expected  # PostgreSQL
    assert chosen[0] == expected  # SQLite
    stored_late = [e for found in expected for shots in found.values() for e in shots[:1]]
    assert any(e.context not in lamp_texts(8) for e in stored_late)  # not the first stored


def test_above_the_bound_a_word_like_many_examples_a_little_finds_them_on_both(
    both: tuple[Container, Container],
) -> None:
    """A one-word text shares a little with many examples (pg_trgm's similarity under its 0.3
    threshold): the word indexes still offer the examples holding it, on both databases."""
    texts = lamp_texts(40)
    chosen = []
    for container in both:
        PeeweeCatalogueStore(container.storage.database).provision(
            [LAMP], [Example(LAMP.code, text, None) for text in texts]
        )
        selection = SelectedExamples(
            PeeweeExampleCandidates(container.storage.database), TrigramSimilarity(bound=8)
        )
        chosen.append(selection.most_similar([LAMP.code], "ambre", k=3))

    everything = ranked_in_sql(both[1].storage.database, [LAMP.code], "ambre", 3)
    assert chosen == [everything, everything]
    assert all("ambre" in e.context for e in everything[LAMP.code])


def written_and_stored(
    database: Database, looked_for: list[str]
) -> tuple[dict[tuple[str, str], tuple[int, list[int]]], dict[tuple[str, str], list[int]]]:
    """The word index's postings of LAMP's `looked_for` words, and those its stored examples
    give (every id holding each word)."""
    with database.connection_context():
        written = read_postings(database, [LAMP.code], looked_for)
        stored = database.execute_sql("SELECT id, field_code, context FROM example").fetchall()
    held = postings_of(stored)
    return written, {key: ids for key, ids in held.items() if key[1] in looked_for}


def test_the_word_index_holds_what_every_writer_stored(both: tuple[Container, Container]) -> None:
    """Provisioning (an update counted once) and a review's decision add their examples to the
    word index, a list cut at its first 256 ids; the migration that makes the index indexes
    what was stored before it alike."""
    reviewer = Caller("key:alice", "alice", Role.REVIEWER, "default")
    texts = [f"Lampe {n} ambre" if n % 3 else f"Lampe {n} torche" for n in range(400)]
    looked_for = ["lampe", "ambre", "torche", "frontale", "absent"]
    for container in both:
        database = container.storage.database
        store = PeeweeCatalogueStore(database)
        store.provision([LAMP], [Example(LAMP.code, text, None) for text in texts[:250]])
        store.provision([LAMP], [Example(LAMP.code, text, "E27") for text in texts[200:]])
        container.reviewing.decide(
            ReviewRequest("Lampe torche frontale", LAMP.code, Verdict.ACCEPT, proposed="E27"),
            reviewer,
        )
        written, held = written_and_stored(database, looked_for)
        assert {key: ids for key, (_, ids) in written.items()} == {
            key: ids[:LISTED] for key, ids in held.items()
        }
        counted = [written[LAMP.code, word][0] for word in looked_for[:4]]
        assert counted[0] >= LISTED and counted[1] >= LISTED  # counted until their list is full
        assert counted[2:] == [135, 1]
        assert len(written[LAMP.code, "lampe"][1]) == LISTED

        router = Router(database, migrate_dir=MIGRATIONS_DIR)
        router.rollback()  # the word index's migration, the last
        assert "example_postings" not in database.get_tables()
        router.run()
        with database.connection_context():
            again = read_postings(database, [LAMP.code], looked_for)
        assert {key: (min(n, LISTED), ids) for key, (n, ids) in again.items()} == {
            key: (min(n, LISTED), ids) for key, (n, ids) in written.items()
        }


def test_the_word_index_written_in_many_small_flushes_is_the_same(
    both: tuple[Container, Container], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Postings gathered over batches and written every few ids or keys, the full keys
    forgotten past a count: the lists are the first ids holding each word, in order."""
    monkeypatch.setattr(example_postings, "PENDING_IDS", 7)
    monkeypatch.setattr(example_postings, "PENDING_KEYS", 3)
    monkeypatch.setattr(example_postings, "KEYS_COUNTED", 5)
    monkeypatch.setattr(catalogue_store, "_EXAMPLES_A_BATCH", 11)
    texts = [f"Lampe {n % 7} ambre {'torche' if n % 5 else 'spot'} r{n}" for n in range(600)]
    looked_for = ["lampe", "ambre", "torche", "spot", "3", "r599"]
    for container in both:
        database = container.storage.database
        PeeweeCatalogueStore(database).provision(
            [LAMP], [Example(LAMP.code, text, None) for text in texts]
        )
        written, held = written_and_stored(database, looked_for)
        assert {key: ids for key, (_, ids) in written.items()} == {
            key: ids[:LISTED] for key, ids in held.items()
        }
        assert {key: min(n, LISTED) for key, (n, _) in written.items()} == {
            key: min(len(ids), LISTED) for key, ids in held.items()
        }


def test_concurrent_provisionings_index_every_example(
    both: tuple[Container, Container],
) -> None:
    """Four provisionings at once whose texts share their words: each succeeds (on SQLite the
    others wait for the one writing), and each word's posting is full of distinct examples."""
    vocabulary = [f"mot{n}" for n in range(40)]

    def texts(writer: int) -> list[str]:
        ordered = vocabulary if writer % 2 else vocabulary[::-1]
        return [f"{' '.join(ordered)} produit{writer}x{n}" for n in range(400)]

    for container in both:
        database = container.storage.database
        PeeweeCatalogueStore(database).provision([LAMP], [])
        with ThreadPoolExecutor(4) as pool:
            reports = list(
                pool.map(
                    lambda writer, database=database: PeeweeCatalogueStore(database).provision(
                        [LAMP], [Example(LAMP.code, text, None) for text in texts(writer)]
                    ),
                    range(4),
                )
            )
        assert [report.examples_created for report in reports] == [400] * 4
        with database.connection_context():
            written = read_postings(database, [LAMP.code], [*vocabulary[:3], "produit3x7"])
            stored = {id_ for (id_,) in database.execute_sql("SELECT id FROM example")}
        for word in vocabulary[:3]:
            counted, ids = written[LAMP.code, word]
            assert counted >= LISTED and len(set(ids)) == len(ids) == LISTED
            assert set(ids) <= stored
        assert written[LAMP.code, "produit3x7"][0] == 1


def test_a_word_few_examples_hold_outweighs_one_many_do() -> None:
    common = (500, list(range(1, 33)))  # 500 examples hold it: its first 32 count
    assert best_matched([common, (1, [40])], bound=1, limit=32) == [40]
    assert best_matched([common, (1, [40]), (2, [7, 40])], bound=2, limit=32) == [40, 7]
    assert best_matched([(4, [1, 2, 3, 4]), (4, [1, 2, 3, 4])], bound=3, limit=32) == [1, 2, 3]
    assert best_matched([(40, list(range(100, 140)))], bound=40, limit=32)[-1] == 131
    assert best_matched([(0, []), (0, [])], bound=3, limit=32) == []


def test_a_large_fields_best_example_stored_last_is_found(
    both: tuple[Container, Container],
) -> None:
    """Far above the bound, the example holding the text's rare words is a candidate though
    hundreds of examples stored before it hold its common ones."""
    texts = [f"Lampe {SOCKETS[n % 5]} {4 + n % 13}W référence {n}" for n in range(300)]
    texts.append("Lampe torche rechargeable frontale E27")
    for container in both:
        PeeweeCatalogueStore(container.storage.database).provision(
            [LAMP], [Example(LAMP.code, text, None) for text in texts]
        )
        selection = SelectedExamples(
            PeeweeExampleCandidates(container.storage.database), TrigramSimilarity(bound=8)
        )
        found = selection.most_similar([LAMP.code], "Lampe frontale rechargeable E27 5W", k=1)
        assert found[LAMP.code][0].context == texts[-1]


def test_leaves_out_the_excluded_text_and_fills_up_with_unrelated_examples(
    container: Container,
) -> None:
    mine = "Ampoule LED filament E27 standard 7W blanc chaud"
    PeeweeCatalogueStore(container.storage.database).provision(
        [LAMP],
        [
            Example(LAMP.code, mine, "E27"),
            Example(LAMP.code, "Spot GU10 5W", "GU10"),
            Example(LAMP.code, "Radiateur 1500 W", None),
            Example(LAMP.code, "Ampoule flamme E14 4W", "E14"),
        ],
    )
    examples = container.storage.examples

    found = examples.most_similar([LAMP.code, "EF999999"], mine, k=4, exclude_context=mine)

    # The E14 lamp shares trigrams with the text; the two others none, so they come in stored order.
    assert [example.context for example in found[LAMP.code]] == [
        "Ampoule flamme E14 4W",
        "Spot GU10 5W",
        "Radiateur 1500 W",
    ]
    assert "EF999999" not in found
    assert examples.most_similar([LAMP.code], mine, k=0) == {}


def test_above_the_bound_the_excluded_text_is_left_out_too(container: Container) -> None:
    texts = lamp_texts(30)
    PeeweeCatalogueStore(container.storage.database).provision(
        [LAMP], [Example(LAMP.code, text, None) for text in texts]
    )
    selection = SelectedExamples(
        PeeweeExampleCandidates(container.storage.database), TrigramSimilarity(bound=4)
    )

    found = selection.most_similar([LAMP.code], texts[17], k=3, exclude_context=texts[17])
    kept = selection.most_similar([LAMP.code], texts[17], k=3)

    assert texts[17] not in [e.context for e in found[LAMP.code]]
    assert kept[LAMP.code][0].context == texts[17]


def test_the_index_follows_what_provisioning_and_reviews_write(container: Container) -> None:
    store = PeeweeCatalogueStore(container.storage.database)
    store.provision([LAMP], [Example(LAMP.code, text, None) for text in lamp_texts(12)])
    selection = SelectedExamples(
        PeeweeExampleCandidates(container.storage.database), TrigramSimilarity(bound=4)
    )
    reviewer = Caller("key:alice", "alice", Role.REVIEWER, "default")
    taught = "Lampe torche rechargeable USB"
    assert selection.most_similar([LAMP.code], taught, k=1)[LAMP.code][0].context != taught

    container.reviewing.decide(
        ReviewRequest(taught, LAMP.code, Verdict.ACCEPT, proposed="E27"), reviewer
    )

    assert selection.most_similar([LAMP.code], taught, k=1) == {
        LAMP.code: [Example(LAMP.code, taught, "E27")]
    }


def test_a_small_fields_candidates_held_follow_its_revision_and_exclusion(
    container: Container,
) -> None:
    """A field of at most `bound` examples is read once per revision: what provisioning and
    reviews add is chosen on the next lookup, and a product's own text is left out of what is
    held, as the database leaves it out."""
    store = PeeweeCatalogueStore(container.storage.database)
    texts = lamp_texts(3)
    store.provision([LAMP], [Example(LAMP.code, text, None) for text in texts])
    selection = SelectedExamples(
        PeeweeExampleCandidates(container.storage.database), TrigramSimilarity(bound=8)
    )
    assert selection.most_similar([LAMP.code], texts[1], k=1)[LAMP.code][0].context == texts[1]
    without = selection.most_similar([LAMP.code], texts[1], k=3, exclude_context=texts[1])
    assert texts[1] not in [e.context for e in without[LAMP.code]]
    assert len(without[LAMP.code]) == 2

    added = "Lampe torche rechargeable USB"
    store.provision([LAMP], [Example(LAMP.code, added, "E27")])
    assert selection.most_similar([LAMP.code], added, k=1) == {
        LAMP.code: [Example(LAMP.code, added, "E27")]
    }
    reviewer = Caller("key:alice", "alice", Role.REVIEWER, "default")
    taught = "Projecteur LED extérieur 50W"
    container.reviewing.decide(
        ReviewRequest(taught, LAMP.code, Verdict.ACCEPT, proposed="E27"), reviewer
    )
    assert selection.most_similar([LAMP.code], taught, k=1)[LAMP.code][0].context == taught

    other = "Applique murale design laiton"
    store.provision([LAMP], [Example(LAMP.code, other, "E14")])
    read = container.fields.get_many([LAMP.code])
    revisions = {code: field.revision for code, field in read.items()}
    chosen = selection.most_similar([LAMP.code], other, 1, revisions=revisions)
    assert chosen == {LAMP.code: [Example(LAMP.code, other, "E14")]}


def test_a_decision_reads_again_the_labelled_examples_of_its_field_only(
    container: Container,
) -> None:
    PeeweeCatalogueStore(container.storage.database).provision(
        [LAMP, POWER],
        [Example(LAMP.code, "Spot GU10 5W", "GU10"), Example(POWER.code, "Spot GU10 5W", 5)],
    )
    labelled = container.storage.examples.labelled  # type: ignore[attr-defined]
    held = labelled([LAMP.code, POWER.code])
    assert labelled([LAMP.code, POWER.code])[LAMP.code] is held[LAMP.code]
    reviewer = Caller("key:alice", "alice", Role.REVIEWER, "default")

    container.reviewing.decide(
        ReviewRequest("Ampoule flamme E14 4W", LAMP.code, Verdict.ACCEPT, proposed="E14"), reviewer
    )

    after = labelled([LAMP.code, POWER.code])
    assert [e.context for e in after[LAMP.code]] == ["Spot GU10 5W", "Ampoule flamme E14 4W"]
    assert after[POWER.code] is held[POWER.code]  # not read again: the very same examples
