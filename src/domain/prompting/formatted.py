"""A prompt in an LLM's format, rendered in the shape a connector reads, when it reads it."""

from __future__ import annotations

from dataclasses import dataclass

from src.domain.prompting.ports import LLM
from src.domain.prompting.prompt import FittedPrompt, Message, Prompt
from src.domain.prompting.rendered import rendered


@dataclass(frozen=True)
class FormattedPrompt:
    """`prompt` in `llm`'s format. Each shape is rendered the first time it is read, then kept
    (a chat connector reads only the messages, a raw completion connector only the text), so
    no request renders a shape its connector does not read. Not slotted: the kept shapes live
    in the instance's `__dict__`."""

    prompt: Prompt
    llm: LLM
    answer_start: str = ""
    """Written after the text: the opening of the answer that the model completes."""

    @classmethod
    def of(cls, fitted: FittedPrompt, llm: LLM) -> FormattedPrompt:
        """`fitted` in `llm`'s format, its text the rendering fitting it made (not made twice)."""
        formatted = cls(fitted.prompt, llm)
        formatted.__dict__["text"] = fitted.text
        return formatted

    @rendered
    def messages(self) -> tuple[Message, ...]:
        return self.llm.messages(self.prompt)

    @rendered
    def text(self) -> str:
        return self.llm.render(self.prompt) + self.answer_start
