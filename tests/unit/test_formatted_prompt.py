"""A request's prompt is rendered in the shape its connector reads, once, and in no other."""

from __future__ import annotations

from src.domain.prompting.families import GemmaFormat
from src.domain.prompting.formatted import FormattedPrompt
from src.domain.prompting.prompt import Message, Prompt, Shot

PROMPT = Prompt(
    "Answer in JSON.", "Culot of: Ampoule E27", (Shot("Culot of: Spot GU10", '{"value": "GU10"}'),)
)


class CountingFormat(GemmaFormat):
    """Gemma's format (its text is not made from its messages), counting how often each shape is
    rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.renders = 0
        self.message_lists = 0

    def render(self, prompt: Prompt) -> str:
        self.renders += 1
        return super().render(prompt)

    def messages(self, prompt: Prompt) -> tuple[Message, ...]:
        self.message_lists += 1
        return super().messages(prompt)


def test_a_chat_connector_has_only_the_messages_rendered_and_only_once() -> None:
    llm = CountingFormat()
    formatted = FormattedPrompt(PROMPT, llm)

    assert formatted.messages == formatted.messages == GemmaFormat().messages(PROMPT)
    assert (llm.message_lists, llm.renders) == (1, 0)


def test_a_text_connector_has_only_the_text_rendered_with_the_answer_start_after_it() -> None:
    llm = CountingFormat()
    formatted = FormattedPrompt(PROMPT, llm, answer_start='{"culot": ')

    assert formatted.text == formatted.text == GemmaFormat().render(PROMPT) + '{"culot": '
    assert (llm.message_lists, llm.renders) == (0, 1)
