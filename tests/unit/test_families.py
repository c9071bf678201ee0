"""Model families: how a prompt is written out for each, and how it is fitted to the context."""

from __future__ import annotations

import pytest

from src.domain.errors import PromptTooLongError
from src.domain.prompting.families import (
    ChatFormat,
    ChatMLFormat,
    GemmaFormat,
    Llama2Format,
    PromptFormat,
)
from src.domain.prompting.prompt import FittedPrompt, Message, Prompt, Shot

SYSTEM = "Answer in JSON."
QUESTION = "Culot of: Ampoule E27"
SHOTS = (
    Shot("Culot of: Spot GU10", '{"value": "GU10"}'),
    Shot("Culot of: Bougie E14", '{"value": "E14"}'),
)
BARE = Prompt(SYSTEM, QUESTION)
WITH_SHOTS = Prompt(SYSTEM, QUESTION, SHOTS)


def words(text: str) -> int:
    return len(text.split())


# --- rendering ---------------------------------------------------------------------------------


def test_gemma_puts_the_system_text_in_the_only_user_turn() -> None:
    assert GemmaFormat().render(BARE) == (
        "<start_of_turn>user\nAnswer in JSON.\n\nCulot of: Ampoule E27<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


def test_gemma_puts_the_system_text_in_the_first_user_turn_of_a_few_shot_prompt() -> None:
    assert GemmaFormat().render(WITH_SHOTS) == (
        "<start_of_turn>user\nAnswer in JSON.\n\nCulot of: Spot GU10<end_of_turn>\n"
        '<start_of_turn>model\n{"value": "GU10"}<end_of_turn>\n'
        "<start_of_turn>user\nCulot of: Bougie E14<end_of_turn>\n"
        '<start_of_turn>model\n{"value": "E14"}<end_of_turn>\n'
        "<start_of_turn>user\nCulot of: Ampoule E27<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


def test_gemma_has_no_system_role_and_stops_at_end_of_turn() -> None:
    text = GemmaFormat().render(WITH_SHOTS)

    assert "system" not in text
    assert text.count(SYSTEM) == 1
    assert GemmaFormat.stop == ("<end_of_turn>",)


def test_llama2_wraps_the_system_text_in_sys_tags_inside_the_first_instruction() -> None:
    assert Llama2Format().render(BARE) == (
        "<s>[INST] <<SYS>>\nAnswer in JSON.\n<</SYS>>\n\nCulot of: Ampoule E27 [/INST]"
    )


def test_llama2_writes_shots_as_closed_exchanges_and_the_system_text_once() -> None:
    text = Llama2Format().render(WITH_SHOTS)

    assert text == (
        "<s>[INST] <<SYS>>\nAnswer in JSON.\n<</SYS>>\n\nCulot of: Spot GU10 [/INST] "
        '{"value": "GU10"} </s>'
        '<s>[INST] Culot of: Bougie E14 [/INST] {"value": "E14"} </s>'
        "<s>[INST] Culot of: Ampoule E27 [/INST]"
    )
    assert text.count("<<SYS>>") == 1


def test_chatml_writes_every_message_with_its_role() -> None:
    assert ChatMLFormat().render(WITH_SHOTS) == (
        "<|im_start|>system\nAnswer in JSON.<|im_end|>\n"
        "<|im_start|>user\nCulot of: Spot GU10<|im_end|>\n"
        '<|im_start|>assistant\n{"value": "GU10"}<|im_end|>\n'
        "<|im_start|>user\nCulot of: Bougie E14<|im_end|>\n"
        '<|im_start|>assistant\n{"value": "E14"}<|im_end|>\n'
        "<|im_start|>user\nCulot of: Ampoule E27<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


@pytest.mark.parametrize(
    ("family", "answer_starts_after"),
    [
        (GemmaFormat(), "<start_of_turn>model\n"),
        (Llama2Format(), "[/INST]"),
        (ChatMLFormat(), "<|im_start|>assistant\n"),
        (ChatFormat(), "assistant:"),
    ],
    ids=["gemma", "llama2", "chatml", "chat"],
)
def test_every_rendering_ends_where_the_model_answers(
    family: PromptFormat, answer_starts_after: str
) -> None:
    text = family.render(WITH_SHOTS)

    assert text.endswith(answer_starts_after)
    assert text.index(SYSTEM) < text.index(SHOTS[0].question) < text.index(SHOTS[1].question)
    assert text.index(SHOTS[1].answer) < text.index(QUESTION)


# --- messages ----------------------------------------------------------------------------------


def test_messages_are_system_then_shot_pairs_then_the_question() -> None:
    assert ChatFormat().messages(WITH_SHOTS) == (
        Message("system", SYSTEM),
        Message("user", "Culot of: Spot GU10"),
        Message("assistant", '{"value": "GU10"}'),
        Message("user", "Culot of: Bougie E14"),
        Message("assistant", '{"value": "E14"}'),
        Message("user", QUESTION),
    )


def test_messages_without_shots_are_system_and_question() -> None:
    assert GemmaFormat().messages(BARE) == (Message("system", SYSTEM), Message("user", QUESTION))


# --- fitting the context -----------------------------------------------------------------------

THREE_SHOTS = Prompt(
    "one two three",
    "the question itself",
    (Shot("first shot", "a"), Shot("second shot", "b"), Shot("third shot", "c")),
)


def budget_for(
    family_type: type[PromptFormat], prompt: Prompt, answer_tokens: int = 5
) -> PromptFormat:
    """A family whose context holds exactly `prompt` (in words) plus the answer."""
    return family_type(
        context_tokens=words(family_type().render(prompt)) + answer_tokens,
        answer_tokens=answer_tokens,
    )


@pytest.mark.parametrize("family_type", [GemmaFormat, Llama2Format, ChatMLFormat, ChatFormat])
def test_a_prompt_that_fits_is_kept_whole(family_type: type[PromptFormat]) -> None:
    family = budget_for(family_type, THREE_SHOTS)

    assert family.fit(THREE_SHOTS, words) == FittedPrompt(THREE_SHOTS, family.render(THREE_SHOTS))


@pytest.mark.parametrize("family_type", [GemmaFormat, Llama2Format, ChatMLFormat, ChatFormat])
def test_fit_drops_the_last_shots_first_and_keeps_system_and_question(
    family_type: type[PromptFormat],
) -> None:
    room_for_one_shot = Prompt(THREE_SHOTS.system, THREE_SHOTS.question, THREE_SHOTS.shots[:1])
    family = budget_for(family_type, room_for_one_shot)

    result = family.fit(THREE_SHOTS, words)
    fitted = result.prompt

    assert result.text == family.render(fitted)  # the rendering of what was kept, not the whole
    assert fitted.shots == (Shot("first shot", "a"),)
    assert fitted.system == THREE_SHOTS.system
    assert fitted.question == THREE_SHOTS.question
    assert words(family.render(fitted)) <= family.context_tokens - family.answer_tokens


def test_fit_keeps_room_for_the_answer() -> None:
    whole = words(ChatMLFormat().render(THREE_SHOTS))
    family = ChatMLFormat(context_tokens=whole, answer_tokens=3)

    assert len(family.fit(THREE_SHOTS, words).prompt.shots) < 3


def test_fit_can_drop_every_shot() -> None:
    family = budget_for(GemmaFormat, Prompt(THREE_SHOTS.system, THREE_SHOTS.question))

    assert family.fit(THREE_SHOTS, words).prompt == Prompt(THREE_SHOTS.system, THREE_SHOTS.question)


@pytest.mark.parametrize("family_type", [GemmaFormat, Llama2Format, ChatMLFormat, ChatFormat])
def test_fit_refuses_a_question_that_does_not_fit_even_alone(
    family_type: type[PromptFormat],
) -> None:
    alone = Prompt(THREE_SHOTS.system, THREE_SHOTS.question)
    family = family_type(context_tokens=words(family_type().render(alone)) + 5 - 1, answer_tokens=5)

    with pytest.raises(PromptTooLongError, match="shorten the description"):
        family.fit(THREE_SHOTS, words)
