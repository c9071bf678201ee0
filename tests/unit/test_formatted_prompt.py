"""A request's prompt is rendered in the shape its connector reads, once, and in no other."""

from __future__ import annotations

from src.domain.prompting.families import GemmaFormat
from src.domain.prompting.formatted import FormattedPrompt
from src.domain.prompting.prompt import Message, Prompt, Shot

PROMPT = Prompt(
    "Answer in JSON.", "Culot of: Ampoule E27", (Shot("Culot of: Spot GU10", '{"value": "GU10"}'),)
)


class MessagesOnly(GemmaFormat):
    """Gemma's format (its text is not made from its messages) that cannot render its text."""

    def render(self, prompt: Prompt) -> str:
        raise AssertionError("the text was rendered, though only the messages were read")


class TextOnly(GemmaFormat):
    """Gemma's format that cannot list its messages."""

    def messages(self, prompt: Prompt) -> tuple[Message, ...]:
        raise AssertionError("the messages were listed, though only the text was read")


def test_a_chat_connector_has_only_the_messages_rendered_and_only_once() -> None:
    formatted = FormattedPrompt(PROMPT, MessagesOnly())

    assert formatted.messages == (
        Message("system", "Answer in JSON."),
        Message("user", "Culot of: Spot GU10"),
        Message("assistant", '{"value": "GU10"}'),
        Message("user", "Culot of: Ampoule E27"),
    )
    assert formatted.messages is formatted.messages  # kept, not rendered again


def test_a_text_connector_has_only_the_text_rendered_with_the_answer_start_after_it() -> None:
    formatted = FormattedPrompt(PROMPT, TextOnly(), answer_start='{"culot": ')

    assert formatted.text == (
        "<start_of_turn>user\nAnswer in JSON.\n\nCulot of: Spot GU10<end_of_turn>\n"
        '<start_of_turn>model\n{"value": "GU10"}<end_of_turn>\n'
        "<start_of_turn>user\nCulot of: Ampoule E27<end_of_turn>\n"
        '<start_of_turn>model\n{"culot": '
    )
    assert formatted.text is formatted.text  # kept, not rendered again
