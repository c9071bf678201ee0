"""An LLM as a judge of text answers: the usual A–E factual-consistency rubric.

A strict comparison calls "acier inoxydable" and "inox" different; a judge reads them as the same
fact. Its grade is reported beside the strict score, never instead of it.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

from src.domain.errors import FieldLookupError
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.model_call import completion_request
from src.domain.prompting.prompt import Prompt

CHOICE_SCORES = {"A": 0.4, "B": 0.6, "C": 1.0, "D": 0.0, "E": 1.0}
"""How much each choice is worth: a subset (A) or superset (B) is partly right, a disagreement
(D) wrong, the same details (C) or differences that do not matter (E) right."""

RUBRIC = (
    "You are comparing a submitted answer to an expert answer on a given question. "
    "Compare the factual content of the submitted answer with the expert answer. Ignore any "
    "differences in style, grammar, or punctuation. Select one option:\n"
    "(A) The submitted answer is a subset of the expert answer and is fully consistent with it.\n"
    "(B) The submitted answer is a superset of the expert answer and is fully consistent with it.\n"
    "(C) The submitted answer contains all the same details as the expert answer.\n"
    "(D) There is a disagreement between the submitted answer and the expert answer.\n"
    "(E) The answers differ, but these differences don't matter from the perspective of "
    "factuality.\n"
    'Answer with one JSON object, {"choice": "A"} to {"choice": "E"}, and nothing else.'
)
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"choice": {"enum": list(CHOICE_SCORES)}},
    "required": ["choice"],
    "additionalProperties": False,
}
_LETTER = re.compile(r"\(?\b([A-E])\b\)?")


@dataclass(frozen=True, slots=True)
class Grade:
    choice: str
    score: float


class FactualityJudge:
    """Grades a submitted text answer against the expected one with a configured LLM."""

    def __init__(self, llm: ConfiguredLLM, timeout_seconds: float) -> None:
        self._llm = llm
        self._timeout_seconds = timeout_seconds

    @property
    def name(self) -> str:
        return self._llm.name

    def grade(self, question: str, expected: str, submitted: str) -> Grade | None:
        """The judge's grade, or None when it fails or answers no choice."""
        prompt = Prompt(
            system=RUBRIC,
            question=f"[Question]: {question}\n[Expert]: {expected}\n[Submission]: {submitted}",
        )
        deadline = time.monotonic() + self._timeout_seconds
        try:
            request = completion_request(self._llm, prompt, "judge", _SCHEMA, 16, deadline)
            raw = self._llm.connector.complete(request).text
        except FieldLookupError:
            return None
        choice = read_choice(raw)
        return Grade(choice, CHOICE_SCORES[choice]) if choice else None


def read_choice(raw: str) -> str | None:
    """'{"choice": "C"}', '(C)' or 'C. Both say…' -> 'C'; None when no choice is given."""
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if isinstance(answer, dict) and str(answer.get("choice", "")).strip().upper() in CHOICE_SCORES:
        return str(answer["choice"]).strip().upper()
    match = _LETTER.search(raw)
    return match.group(1) if match else None
