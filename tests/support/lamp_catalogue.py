"""A few lamp fields and labelled examples, and prompts built from them as the lookup builds them,
for the tests of the model connectors."""

from __future__ import annotations

import time
from collections.abc import Sequence

from src.domain.model import Example, Field, FieldType
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.formatted import FormattedPrompt
from src.domain.prompting.ports import LLM, TokenCounter
from src.domain.prompting.prompt import CompletionRequest

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"

CULOT = Field(
    "EF000042",
    "culot",
    FieldType.SELECT,
    options=("E27", "E14", "GU10", "B22d", "B15d", "G9", "G4", "GU5,3", "E40", "autre"),
    description="Culot de la lampe (type de douille).",
)
PUISSANCE = Field(
    "EF000035",
    "puissance",
    FieldType.NUMBER,
    unit="W",
    description="Puissance électrique nominale absorbée.",
)
GRADABLE = Field("EF000137", "à intensité variable", FieldType.BOOLEAN)

EXAMPLES: dict[str, tuple[Example, ...]] = {
    CULOT.code: (
        Example(CULOT.code, "INC - Tube 23X60 130V 25W E14", "E14"),
        Example(CULOT.code, "Spot LED GU10 5W 4000K 230V", "GU10"),
        Example(CULOT.code, "Ampoule standard baïonnette B22d 60W claire", "B22d"),
    ),
    PUISSANCE.code: (
        Example(PUISSANCE.code, "INC - Tube 23X60 130V 25W E14", 25),
        Example(PUISSANCE.code, "Spot LED GU10 5W 4000K 230V", 5),
        Example(PUISSANCE.code, "Radiateur Equateur 3 horizontal gris ardoise 1000W", 1000),
    ),
    GRADABLE.code: (
        Example(GRADABLE.code, "Ampoule LED E27 9W dimmable 2700K", True),
        Example(GRADABLE.code, "Spot LED GU10 5W 4000K 230V non dimmable", False),
    ),
}

CHAIN_OF_THOUGHT = FewShotChainOfThought(k=3)


def completion_request(
    family: LLM,
    field: Field,
    description: str = LAMP,
    examples: Sequence[Example] | None = None,
    *,
    count_tokens: TokenCounter | None = None,
    deadline_s: float = 60.0,
    with_schema: bool = True,
    max_tokens: int | None = None,
) -> CompletionRequest:
    """The request the lookup would send for `field` of `description`, few-shot, in `family`."""
    shots = EXAMPLES.get(field.code, ()) if examples is None else examples
    prompt = CHAIN_OF_THOUGHT.prompt(field, description, shots)
    if count_tokens is not None:
        prompt = family.fit(prompt, count_tokens).prompt
    return CompletionRequest(
        field_code=field.code,
        prompt=FormattedPrompt(prompt, family),
        answer_schema=CHAIN_OF_THOUGHT.answer_schema(field) if with_schema else None,
        max_tokens=max_tokens or family.answer_tokens,
        deadline=time.monotonic() + deadline_s,
        stop=family.stop,
    )
