"""A text rule too unreliable to answer ahead of the model, but right at least twice as often as
not on the field's own examples, contends with the model: where the model answers null, or a
value it is less sure of than the rule was right, the rule's value is the answer. Where the model
answered null, the rule's measured precision is the confidence; where both read a value, the
confidence is the two readers' (`confidence/two_readers.py`): higher where they read the same,
lower where they do not. A surer model's value, and its failures, stand."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.lookup.fan_out import submit_calls
from src.domain.lookup.known_value_rules import KnownAnswers, KnownValueRules
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.question import ProductQuestion
from src.domain.model import (
    Example,
    Field,
    FieldOutcome,
    FieldType,
    OutcomeSource,
    OutcomeStatus,
)
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass
from src.domain.prompting.prepass.known_values import known_values
from src.domain.prompting.prepass.measured import Measured
from tests.support.conversation_lookup import conversation_lookup
from tests.support.fakes import FakeConnector, FakeExampleRepository, Script

MATERIAL = Field("MATERIAL", "Material", FieldType.TEXT)
LABELLED = [
    ("Ice bin, stainless steel, 48 in", "stainless steel"),
    ("Prep table, stainless steel top", "stainless steel"),
    ("Work table with stainless steel undershelf", "stainless steel"),
    ("Oak shelf, 3 tiers", "oak"),
    ("Oak bench, 120 cm", "oak"),
    ("Glass vase, 30 cm", "glass"),
    ("Glass bowl, 2 l", "glass"),
    # the rule reads the handle's steel and the look's oak: wrong twice
    ("Cart with stainless steel handle, plastic body", "plastic"),
    ("Oak look laminate desk", "laminate"),
]
EXAMPLES = [Example(MATERIAL.code, text, value) for text, value in LABELLED]
PRODUCT = "Serving trolley with glass shelves, 80 cm"
MEASURED = (7 + 1) / (9 + 2)


def test_a_rule_contends_from_two_right_answers_in_three() -> None:
    assert Measured(4, 5).contends  # 5/7
    assert not Measured(4, 5).trusted
    assert not Measured(3, 5).contends  # 4/7
    assert not Measured(4, 4).contends  # too few answered
    assert Measured(9, 9).contends and Measured(9, 9).trusted


def test_the_materials_rule_contends_but_does_not_lead() -> None:
    rule = known_values(EXAMPLES)

    assert (rule.measured.right, rule.measured.answered) == (7, 9)
    assert rule.measured.contends and not rule.measured.trusted
    assert rule.answer(PRODUCT) == "glass"


def looked_up(script: Script, examples: list[Example] = EXAMPLES) -> FieldOutcome:
    """The material of PRODUCT, the model answering as `script` says."""
    result = conversation_lookup(FakeConnector(default=script), [MATERIAL], examples, PRODUCT)
    [outcome] = result.outcomes
    return outcome


def test_the_models_null_gives_way_to_the_rules_value_with_its_measured_precision() -> None:
    outcome = looked_up(Script(answer='{"value": null}'))

    assert (outcome.value, outcome.status) == ("glass", OutcomeStatus.OK)
    assert outcome.source is OutcomeSource.PREPASS
    assert outcome.confidence == pytest.approx(MEASURED)


def test_a_value_the_model_is_less_sure_of_gives_way_to_the_rules() -> None:
    outcome = looked_up(Script(answer='{"value": "80 cm"}', answer_probability=0.6))

    assert (outcome.value, outcome.source) == ("glass", OutcomeSource.PREPASS)
    # the rule right and the model wrong, among the cases where at most one is right
    assert outcome.confidence == pytest.approx(MEASURED * 0.4 / (1 - MEASURED * 0.6))
    assert outcome.confidence < MEASURED


def test_a_value_the_model_is_surer_of_stands_less_sure() -> None:
    outcome = looked_up(Script(answer='{"value": "80 cm"}', answer_probability=0.8))

    assert (outcome.value, outcome.source) == ("80 cm", OutcomeSource.MODEL)
    assert outcome.confidence == pytest.approx(0.8 * (1 - MEASURED) / (1 - MEASURED * 0.8))
    assert outcome.confidence < 0.8


def test_a_value_the_rule_reads_too_is_surer_than_either_reader() -> None:
    outcome = looked_up(Script(answer='{"value": "Glass"}', answer_probability=0.3))

    assert (outcome.value, outcome.source) == ("Glass", OutcomeSource.MODEL)
    assert outcome.confidence == pytest.approx(1 - (1 - MEASURED) * 0.7)


def test_a_surer_models_value_the_rule_reads_too_is_surer_still() -> None:
    outcome = looked_up(Script(answer='{"value": "glass"}', answer_probability=0.9))

    assert (outcome.value, outcome.source) == ("glass", OutcomeSource.MODEL)
    assert outcome.confidence == pytest.approx(1 - (1 - MEASURED) * 0.1)


def test_a_value_no_rule_reads_against_keeps_the_models_confidence() -> None:
    script = Script(answer='{"value": "walnut"}', answer_probability=0.55)
    result = conversation_lookup(
        FakeConnector(default=script), [MATERIAL], EXAMPLES, "Serving trolley, 80 cm"
    )
    [outcome] = result.outcomes

    assert (outcome.value, outcome.confidence) == ("walnut", pytest.approx(0.55))


def test_a_value_of_unknown_confidence_stands() -> None:
    outcome = looked_up(Script(answer='{"value": "80 cm"}'))

    assert (outcome.value, outcome.source) == ("80 cm", OutcomeSource.MODEL)
    assert outcome.confidence is None


def test_a_model_that_failed_is_not_filled() -> None:
    outcome = looked_up(Script(error=ConnectionError("the backend is down")))

    assert outcome.status is OutcomeStatus.ERROR
    assert outcome.value is None


def test_a_rule_right_less_often_leaves_the_null() -> None:
    # two more wrong reads: 7 right of 11, (7 + 1) / (11 + 2) under two in three
    wrong = [("Glass door steel cabinet", "steel"), ("Oak veneer chipboard shelf", "chipboard")]
    examples = EXAMPLES + [Example(MATERIAL.code, text, value) for text, value in wrong]

    assert not known_values(examples).measured.contends
    assert looked_up(Script(answer='{"value": null}'), examples).value is None


def test_cancelling_a_filled_field_cancels_its_model_call() -> None:
    asked: list[str] = []
    llm = ConfiguredLLM(
        "local", ChatFormat(), BasicChainOfThought(), FakeConnector(), prepass=TextRulesPrepass()
    )
    known = KnownValueRules(FakeExampleRepository(EXAMPLES)).of(llm, {"MATERIAL": MATERIAL}, None)
    question = ProductQuestion(llm, {MATERIAL.code: MATERIAL}, PRODUCT, {}, None)
    release = threading.Event()

    def ask(field: Field, *_: object) -> FieldOutcome:
        asked.append(field.code)
        return FieldOutcome(field.code, None, OutcomeStatus.NOT_FOUND)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(release.wait, 5)  # the one worker is busy
        futures = submit_calls(pool, question, ask, known=known)
        assert futures[MATERIAL.code].cancel()
        release.set()
    assert asked == []


class Reads:
    """A text rule that reads `value` wherever `word` is written, measured `right` of `answered`."""

    def __init__(self, word: str, value: str, right: int, answered: int) -> None:
        self.word, self.value = word, value
        self.measured = Measured(right, answered)

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        return self.value if self.word in description else None


def test_the_first_rule_above_the_model_reads_else_the_first_that_reads() -> None:
    lower = Reads("oak", "oak", 7, 9)  # 8/11
    other = Reads("glass", "glass", 7, 9)
    higher = Reads("steel", "steel", 18, 19)  # 19/21
    known = KnownAnswers(contenders={"M": (lower, other, higher)})

    assert known.contending("M", "oak and glass and steel", 0.8) == (
        "steel",
        pytest.approx(19 / 21),
    )
    assert known.contending("M", "oak and glass", 0.8) == ("oak", pytest.approx(8 / 11))
    assert known.contending("M", "glass and oak", 0.8) == ("oak", pytest.approx(8 / 11))
    assert known.contending("M", "glass", 0.8) == ("glass", pytest.approx(8 / 11))
    assert known.contending("M", "walnut", 0.8) is None
