"""LLM families: how each model family wants its prompt written, and how much it can read.

`PromptFormat` carries the behaviour they share (chat messages and fitting the context limit);
each family only says how one conversation is written out as text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from src.domain.errors import PromptTooLongError
from src.domain.prompting.ports import TokenCounter
from src.domain.prompting.prompt import FittedPrompt, Message, Prompt


def approximate_tokens(text: str) -> int:
    """A cautious token count when no tokenizer is at hand (about 3 characters a token)."""
    return len(text) // 3 + 1


class PromptFormat(ABC):
    """An LLM port implementation: a family's prompt format and context limit."""

    family: str = "chat"
    stop: tuple[str, ...] = ()

    def __init__(self, context_tokens: int = 4096, answer_tokens: int = 64) -> None:
        self.context_tokens = context_tokens
        self.answer_tokens = answer_tokens

    def messages(self, prompt: Prompt) -> tuple[Message, ...]:
        turns: list[Message] = [Message("system", prompt.system)]
        for shot in prompt.shots:
            turns += [Message("user", shot.question), Message("assistant", shot.answer)]
        turns.append(Message("user", prompt.question))
        return tuple(turns)

    def fit(self, prompt: Prompt, count_tokens: TokenCounter) -> FittedPrompt:
        budget = self.context_tokens - self.answer_tokens
        while count_tokens(text := self.render(prompt)) > budget:
            if not prompt.shots:
                raise PromptTooLongError(
                    f"the prompt needs more than the {self.context_tokens} tokens of "
                    f"{self.family} even without examples: shorten the description"
                )
            prompt = prompt.without_last_shot()
        return FittedPrompt(prompt, text)

    @abstractmethod
    def render(self, prompt: Prompt) -> str:
        """The conversation as one text, ending where the model's answer starts."""


class ChatFormat(PromptFormat):
    """For chat APIs that format the conversation themselves (OpenAI-compatible servers).

    `render` gives a plain transcript, used only to count the prompt against the limit.
    """

    family = "chat"

    def render(self, prompt: Prompt) -> str:
        return (
            "\n\n".join(f"{m.role}: {m.content}" for m in self.messages(prompt)) + "\n\nassistant:"
        )


class GemmaFormat(PromptFormat):
    """Gemma 2 and 3: user and model turns; the system text opens the first user turn."""

    family = "gemma"
    stop: tuple[str, ...] = ("<end_of_turn>",)

    def render(self, prompt: Prompt) -> str:
        turns = []
        first_question = prompt.shots[0].question if prompt.shots else prompt.question
        for index, shot in enumerate(prompt.shots):
            question = shot.question if index else f"{prompt.system}\n\n{first_question}"
            turns.append(self._turn("user", question) + self._turn("model", shot.answer))
        question = prompt.question if prompt.shots else f"{prompt.system}\n\n{prompt.question}"
        turns.append(self._turn("user", question))
        return "".join(turns) + "<start_of_turn>model\n"

    @staticmethod
    def _turn(role: str, content: str) -> str:
        return f"<start_of_turn>{role}\n{content}<end_of_turn>\n"


class Llama2Format(PromptFormat):
    """LLaMA-2 chat: `[INST] <<SYS>>…<</SYS>> … [/INST]`, 4096 tokens of context."""

    family = "llama2"
    stop: tuple[str, ...] = ("</s>", "[INST]")

    def render(self, prompt: Prompt) -> str:
        system = f"<<SYS>>\n{prompt.system}\n<</SYS>>\n\n"
        exchanges = [(shot.question, shot.answer) for shot in prompt.shots]
        text = ""
        for index, (question, answer) in enumerate(exchanges):
            opening = system if index == 0 else ""
            text += f"<s>[INST] {opening}{question} [/INST] {answer} </s>"
        opening = "" if exchanges else system
        return text + f"<s>[INST] {opening}{prompt.question} [/INST]"


class ChatMLFormat(PromptFormat):
    """ChatML (Qwen, many fine-tunes): `<|im_start|>role … <|im_end|>`."""

    family = "chatml"
    stop: tuple[str, ...] = ("<|im_end|>",)

    def render(self, prompt: Prompt) -> str:
        text = "".join(
            f"<|im_start|>{m.role}\n{m.content}<|im_end|>\n" for m in self.messages(prompt)
        )
        return text + "<|im_start|>assistant\n"
