"""A request's prompt is rendered in the shape its connector reads, once, and in no other."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

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


class MeetingFormat(GemmaFormat):
    """Gemma's format whose rendering waits until another thread renders too."""

    def __init__(self, meeting: threading.Barrier) -> None:
        self._meeting = meeting

    def render(self, prompt: Prompt) -> str:
        self._meeting.wait()  # BrokenBarrierError when the other rendering cannot start
        return super().render(prompt)


def test_threads_render_the_prompts_of_different_requests_at_the_same_time() -> None:
    meeting = threading.Barrier(2, timeout=5)
    prompts = [FormattedPrompt(PROMPT, MeetingFormat(meeting)) for _ in range(2)]

    with ThreadPoolExecutor(2) as pool:
        texts = list(pool.map(lambda formatted: formatted.text, prompts))

    assert texts == [GemmaFormat().render(PROMPT)] * 2


def test_a_fitted_prompt_sends_the_rendering_its_fitting_counted_without_rendering_again() -> None:
    fitted = GemmaFormat().fit(PROMPT, lambda text: len(text.split()))

    formatted = FormattedPrompt.of(fitted, MessagesOnly())  # whose render() would fail

    assert formatted.text == fitted.text == GemmaFormat().render(PROMPT)
