"""What a llama.cpp completion actually read of its prompt.

llama-cpp-python keeps the tokens of the previous completion in its KV cache: `Llama.generate`
reuses the longest prefix the new prompt shares with them (`_input_ids`) and evaluates only the
rest, in its first `eval` call. Counting that call tells the tokens read, whatever the reason a
prefix was or was not reused (a partial KV removal the cache does not support re-reads all).
"""

from __future__ import annotations

from collections.abc import Sequence

from llama_cpp import Llama


class PromptReads:
    """Wraps `model.eval` to count the prompt tokens each completion evaluates."""

    def __init__(self, model: Llama) -> None:
        self._eval = model.eval
        self._armed = False
        self._read = 0
        # Replaced on this instance only, to count; mypy refuses assigning to a method.
        model.eval = self._counting_eval  # type: ignore[method-assign]

    def start(self) -> None:
        """Called before a completion: its first evaluation is its prompt's."""
        self._armed, self._read = True, 0

    def read(self) -> int:
        """Prompt tokens the last completion read (none when its whole prompt was cached)."""
        return self._read

    def _counting_eval(self, tokens: Sequence[int]) -> None:
        if self._armed:
            self._read, self._armed = len(tokens), False
        self._eval(tokens)
