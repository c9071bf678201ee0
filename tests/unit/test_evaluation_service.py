"""The evaluation use case through the real lookup service, with fake ports: what it scores,
what it counts, what it leaves out of the few-shot examples, and the judge."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.errors import InvalidRequestError, UnknownLLMError
from src.domain.evaluation.benchmark import BenchmarkRow
from src.domain.evaluation.evaluate import EvaluationService
from src.domain.evaluation.judge import FactualityJudge, read_choice
from src.domain.lookup.batch import BatchLookup
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Example, Field, FieldType, TokenUsage
from src.domain.prompting.chain_of_thought import AllFieldsChainOfThought, FewShotChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prompt import Completion, CompletionRequest
from tests.support.fakes import FakeFieldRepository

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
BRAND = Field("EF000588", "marque", FieldType.TEXT)
FIELDS = {field.code: field for field in (SOCKET, POWER, BRAND)}

ROWS = [
    BenchmarkRow(
        "Ampoule Philips E27 40W",
        {"EF000042": ("E27",), "EF000035": (40,), "EF000588": ("Philips",)},
    ),
    BenchmarkRow("Ampoule flamme E14", {"EF000042": ("E14",), "EF000035": None}),
]


class Examples:
    """One labelled example per field, from the first benchmark product; records exclusions."""

    def __init__(self) -> None:
        self.excluded: list[str | None] = []

    def most_similar(
        self,
        field_codes: Sequence[str],
        description: str,
        k: int,
        exclude_context: str | None = None,
        revisions: Mapping[str, int] | None = None,
    ) -> dict[str, list[Example]]:
        self.excluded.append(exclude_context)
        context = ROWS[0].description
        return {
            code: [] if exclude_context == context else [Example(code, context, None)]
            for code in field_codes
        }


class AnswerBook:
    """A fake model: per field code, the JSON answer; for the judge, a fixed choice."""

    def __init__(self, answers: dict[str, object], choice: str = "E") -> None:
        self._answers = answers
        self._choice = choice
        self.requests: list[CompletionRequest] = []

    def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        if request.field_code == "judge":
            return Completion(json.dumps({"choice": self._choice}))
        if "+" in request.field_code:
            codes = request.field_code.split("+")
            return Completion(
                json.dumps({c: self._answer(c, request) for c in codes}), TokenUsage(50, 10)
            )
        return Completion(
            json.dumps({"value": self._answer(request.field_code, request)}), TokenUsage(10, 2)
        )

    def _answer(self, code: str, request: CompletionRequest) -> object:
        text = request.messages[-1].content
        return self._answers.get((code, "flamme" in text), self._answers.get(code))

    def count_tokens(self, text: str) -> int | None:
        return None


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(4)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def evaluation(
    pool: ThreadPoolExecutor,
    model: AnswerBook,
    judge: bool = False,
    examples: Examples | None = None,
) -> EvaluationService:
    llms = LLMRegistry(
        {
            "few": lambda: ConfiguredLLM("few", ChatFormat(), FewShotChainOfThought(k=2), model),
            "all": lambda: ConfiguredLLM("all", ChatFormat(), AllFieldsChainOfThought(), model),
            "judge": lambda: ConfiguredLLM("judge", ChatFormat(), FewShotChainOfThought(), model),
        },
        default="few",
    )
    lookup = FieldLookupService(
        llms, Catalogue(FakeFieldRepository(FIELDS.values()), examples or Examples()), pool, 5.0
    )
    grader = FactualityJudge(llms.get("judge"), 5.0) if judge else None
    return EvaluationService(BatchLookup(lookup), grader)


# The model: right on the first product's socket and power, a longer brand ("Philips Lighting"),
# right on the second product's socket, and an invented power where the text gives none.
ANSWERS = {
    "EF000042": "E27",
    ("EF000042", True): "E14",
    "EF000035": 40,
    ("EF000035", True): 60,
    "EF000588": "Philips Lighting",
}


def test_every_pair_is_scored_and_counted(pool: ThreadPoolExecutor) -> None:
    [report] = evaluation(pool, AnswerBook(ANSWERS)).evaluate(ROWS)

    scores = report.overall
    assert (report.llm, report.strategy, report.k) == ("few", "few_shot", 2)
    assert (scores.pairs, scores.correct) == (5, 3)
    assert scores.buckets() == {"NN": 0, "NV": 1, "VN": 0, "VC": 3, "VW": 1}
    assert report.by_type()["select"].accuracy == 1.0
    assert report.by_type()["number"].correct == 1
    assert report.by_field()["EF000588"].correct == 0
    assert (
        report.cost.calls,
        report.cost.tokens.prompt_tokens,
        report.cost.tokens.completion_tokens,
    ) == (
        5,
        50,
        10,
    )
    assert [p.correct for p in report.pairs] == [True, True, False, True, False]


def test_one_report_per_llm_and_a_product_call_counts_once(pool: ThreadPoolExecutor) -> None:
    few, every = evaluation(pool, AnswerBook(ANSWERS)).evaluate(ROWS, ["few", "all"])

    assert (few.llm, every.llm, every.strategy) == ("few", "all", "all_fields")
    assert every.cost.calls == 2  # one call per product
    assert every.overall.correct == few.overall.correct


def test_own_examples_can_be_left_out(pool: ThreadPoolExecutor) -> None:
    examples = Examples()

    evaluation(pool, AnswerBook(ANSWERS), examples=examples).evaluate(
        ROWS, exclude_own_examples=True
    )

    assert examples.excluded == [row.description for row in ROWS]


def test_the_judge_grades_text_answers_that_do_not_match_beside_the_strict_score(
    pool: ThreadPoolExecutor,
) -> None:
    model = AnswerBook(ANSWERS, choice="B")  # a superset, consistent: worth 0.6

    [report] = evaluation(pool, model, judge=True).evaluate(ROWS)

    brand = next(p for p in report.pairs if p.field.code == "EF000588")
    assert brand.grade is not None and (brand.grade.choice, brand.grade.score) == ("B", 0.6)
    assert report.overall.correct == 3  # the strict score does not change
    assert report.judged_accuracy() == pytest.approx((3 + 0.6) / 5)
    judged = [r for r in model.requests if r.field_code == "judge"]
    assert len(judged) == 1 and "Philips Lighting" in judged[0].messages[-1].content
    summary = report.summary()
    assert summary["judge"] == {
        "llm": "judge",
        "graded": 1,
        "grades": {"B": 1},
        "judged_accuracy": 0.72,
    }


@pytest.mark.parametrize(
    ("raw", "choice"),
    [('{"choice": "C"}', "C"), ("(D) There is a disagreement", "D"), ("E", "E"), ("no idea", None)],
)
def test_reading_the_judges_choice(raw: str, choice: str | None) -> None:
    assert read_choice(raw) == choice


def test_unknown_fields_and_llms_are_refused_before_any_call(pool: ThreadPoolExecutor) -> None:
    model = AnswerBook(ANSWERS)
    service = evaluation(pool, model)

    with pytest.raises(InvalidRequestError, match="EF999999"):
        service.evaluate([BenchmarkRow("Ampoule", {"EF999999": ("x",)})])
    with pytest.raises(UnknownLLMError):
        service.evaluate(ROWS, ["gpt-9"])
    assert model.requests == []
