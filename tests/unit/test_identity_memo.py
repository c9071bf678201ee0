"""A field's rules are measured once while the catalogue hands out the same examples: the memo
keeps what was computed from the very object, and computes again for any other."""

from __future__ import annotations

from src.domain.lookup.identity_memo import IdentityMemo
from src.domain.lookup.known_value_rules import KnownValueRules
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Example, Field, FieldType
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass
from tests.support.fakes import FakeConnector


def test_the_same_object_is_computed_once_and_an_equal_one_again() -> None:
    computed: list[tuple[int, ...]] = []
    memo: IdentityMemo[tuple[int, ...], int] = IdentityMemo(size=2)

    def total(numbers: tuple[int, ...]) -> int:
        computed.append(numbers)
        return sum(numbers)

    first = (1, 2, 3)
    equal = tuple([1, 2, 3])
    assert [memo.get(first, total), memo.get(first, total), memo.get(equal, total)] == [6, 6, 6]
    assert len(computed) == 2 and computed[1] is equal


def test_the_least_recently_used_is_dropped_past_its_size() -> None:
    computed: list[tuple[int, ...]] = []
    memo: IdentityMemo[tuple[int, ...], int] = IdentityMemo(size=2)

    def total(numbers: tuple[int, ...]) -> int:
        computed.append(numbers)
        return sum(numbers)

    a, b, c = (1,), (2, 2), (3, 3, 3)
    for source in (a, b, a, c, a, b):
        memo.get(source, total)

    assert computed == [a, b, c, b]  # b, least recently used, went when c came


class SameTuples:
    """Labelled values handed out as the same tuple each time, as the storage adapters do."""

    def __init__(self, examples: tuple[Example, ...]) -> None:
        self.examples = examples

    def labelled(self, field_codes: object) -> dict[str, tuple[Example, ...]]:
        return {"SIZE": self.examples}


def test_a_second_lookup_on_the_same_examples_answers_as_the_first() -> None:
    examples = tuple(Example("SIZE", f"Lure {n}0mm {n}g", f"{n}g") for n in range(1, 9))
    llm = ConfiguredLLM(
        "local", ChatFormat(), BasicChainOfThought(), FakeConnector(), prepass=TextRulesPrepass()
    )
    fields = {"SIZE": Field("SIZE", "Weight", FieldType.TEXT)}
    rules = KnownValueRules(SameTuples(examples))  # type: ignore[arg-type]

    first, again = rules.of(llm, fields, None), rules.of(llm, fields, None)

    assert first.rules["SIZE"] and all(
        mine is theirs
        for mine, theirs in zip(first.rules["SIZE"], again.rules["SIZE"], strict=True)
    )
    assert first.answer("SIZE", "Popper 90mm 12g") == (
        "12g",
        first.rules["SIZE"][0].measured.confidence,
    )
