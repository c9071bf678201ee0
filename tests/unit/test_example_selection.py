"""The example selection policy: pg_trgm's similarity over the candidates the storage offers,
equals in stored order, examples sharing nothing last; and the candidates asked with its bound."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from src.domain.catalogue.selection import (
    Candidate,
    CandidatePool,
    SelectedExamples,
    TrigramSimilarity,
    similarity,
)
from src.domain.catalogue.trigrams import trigrams
from src.domain.model import Example

LAMP = "EF000042"


def offered(*texts: str, first: int = 1) -> list[Candidate]:
    return [Candidate(Example(LAMP, text, None), first + n) for n, text in enumerate(texts)]


def test_similarity_is_shared_trigrams_over_the_trigrams_of_both() -> None:
    # "cat": {"  c", " ca", "cat", "at "}; "cap": {"  c", " ca", "cap", "ap "}: 2 shared of 6.
    assert similarity(trigrams("cat"), "cap") == 2 / 6
    assert similarity(trigrams("cat"), "Cat!") == 1.0
    assert similarity(trigrams("cat"), "dog") == 0.0
    assert similarity(frozenset(), "") == 0.0


def test_the_most_similar_come_first_and_equals_in_stored_order() -> None:
    candidates = offered(
        "Radiateur 1500 W",
        "Spot GU10 5W",
        "Ampoule LED E27",
        "Ampoule LED E27",  # the same text stored later: after its equal
        "Ampoule flamme E14",
    )
    chosen = TrigramSimilarity().choose("Ampoule LED E27 blanc", {LAMP: candidates}, 3)
    assert [e.context for e in chosen[LAMP]] == [
        "Ampoule LED E27",
        "Ampoule LED E27",
        "Ampoule flamme E14",
    ]
    ranked = TrigramSimilarity().choose("Ampoule LED E27 blanc", {LAMP: candidates[::-1]}, 5)
    assert ranked == TrigramSimilarity().choose("Ampoule LED E27 blanc", {LAMP: candidates}, 5)


def test_examples_sharing_nothing_fill_up_in_stored_order() -> None:
    candidates = [
        *offered("Radiateur 1500 W", first=7),
        *offered("Chaise", first=3),
        *offered("Ampoule E27", first=9),
    ]
    chosen = TrigramSimilarity().choose("ampoule", {LAMP: candidates}, 3)
    assert [e.context for e in chosen[LAMP]] == ["Ampoule E27", "Chaise", "Radiateur 1500 W"]


def test_a_candidate_offered_twice_is_ranked_once_and_k_zero_chooses_nothing() -> None:
    twice = offered("Ampoule E27", "Spot GU10")
    chosen = TrigramSimilarity().choose("Ampoule", {LAMP: [*twice, *twice], "EF1": []}, 3)
    assert [e.context for e in chosen[LAMP]] == ["Ampoule E27", "Spot GU10"]
    assert "EF1" not in chosen
    assert TrigramSimilarity().choose("Ampoule", {LAMP: twice}, 0) == {}


def test_a_pool_ranks_as_its_candidates_do_from_its_index() -> None:
    rng = random.Random(7)
    words = ["ampoule", "LED", "E27", "E14", "spot", "GU10", "5W", "60W", "blanc", "chaud", "x"]
    for _ in range(200):
        texts = [" ".join(rng.sample(words, rng.randint(0, 4))) for _ in range(rng.randint(1, 12))]
        candidates = [
            Candidate(Example(LAMP, text, None), order)
            for order, text in zip(rng.sample(range(100), len(texts)), texts, strict=True)
        ]
        asked = " ".join(rng.sample(words, rng.randint(0, 5)))
        k = rng.randint(1, 14)
        pooled = CandidatePool([*candidates, *candidates[:2]])
        assert len(pooled) == len(candidates)
        by_pool = TrigramSimilarity().choose(asked, {LAMP: pooled}, k)
        assert by_pool == TrigramSimilarity().choose(asked, {LAMP: candidates}, k)
        assert by_pool == TrigramSimilarity().choose(asked, {LAMP: pooled}, k)  # index built


class RecordingCandidates:
    """Offers what it holds, and records the bound and k it was asked with."""

    def __init__(self, held: Sequence[Candidate]) -> None:
        self._held = list(held)
        self.asked: list[tuple[int, int, str | None]] = []

    def candidates(
        self,
        field_codes: Sequence[str],
        description: str,
        bound: int,
        k: int,
        exclude_context: str | None = None,
        revisions: Mapping[str, int] | None = None,
    ) -> dict[str, list[Candidate]]:
        self.asked.append((bound, k, exclude_context))
        return {LAMP: [c for c in self._held if c.example.context != exclude_context]}


def test_selected_examples_asks_the_policy_bound_and_ranks_what_comes_back() -> None:
    storage = RecordingCandidates(offered("Spot GU10", "Ampoule E27", "Ampoule E14"))
    examples = SelectedExamples(storage, TrigramSimilarity(bound=8))
    found = examples.most_similar([LAMP], "Ampoule E27", 2, exclude_context="Ampoule E27")
    assert [e.context for e in found[LAMP]] == ["Ampoule E14", "Spot GU10"]
    assert storage.asked == [(8, 2, "Ampoule E27")]
    assert examples.most_similar([LAMP], "Ampoule", 0) == {}
    assert examples.most_similar([], "Ampoule", 2) == {}
    assert len(storage.asked) == 1


def test_the_identity_names_the_policy_its_version_and_its_bound() -> None:
    identities = {
        TrigramSimilarity().identity,
        TrigramSimilarity(bound=8).identity,
        TrigramSimilarity(version=2).identity,
    }
    assert len(identities) == 3
    assert TrigramSimilarity().identity.startswith("trigram-similarity")
