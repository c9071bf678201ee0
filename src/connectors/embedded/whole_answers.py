"""The probability of each answer a schema lists, as a whole, after the prompt.

Greedy decoding under a grammar takes the best allowed token at each step, and a chosen token's
probability is read among the tokens the grammar allows there: once a number's first digit is
chosen, a grammar that allows only one number starting with it makes every later token
certain, whatever the model would have written next (label bias). For a schema that lists its
answers (a number's candidates from the text, and null), this reads instead every answer's own
probability after the prompt (the product of its tokens' probabilities among all tokens, as the
tokenizer spells it) and normalises over them: the probability of one answer among all those
allowed.

The answers' tokens are read as a tree. The completion already read the greedy answer's
positions (`ProbabilityRecordingLlama` keeps every token's log-probability there), so the
greedy answer and the start any other answer shares with it cost nothing more; an answer whose
start is already less than `NEGLIGIBLE` times as probable as the greedy answer is left out; each
other answer is read from where it leaves the tree's known part, in one llama.cpp batch (sorted,
an answer shares most with the one before it, which the cache still holds). llama.cpp's
arithmetic on the quantized model varies with the batches that read a position: one token at a
time, as a completion reads, and one batch differ by up to ~15 % in a probability here
(`tests/integration/test_whole_answers.py`). It uses llama-cpp-python's batch and context
(`Llama._batch`, `Llama._ctx`) as `Llama.eval` does, and leaves the KV cache and `n_tokens`
holding the prompt and as much of the completion as the cache still holds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
from llama_cpp import Llama

from src.connectors.embedded.answer_tree import AnswerTree, Tokens

SECONDS_PER_ROW = 0.012
"""A generous cost of one position read (~8 ms measured with 2 threads on 2 cores)."""
MAX_ROWS = 48
"""Positions of the tree read at most (each ~8 ms on 2 cores, mostly the 262k-token output
layer): beyond, the greedy path's own confidence is kept (a text writing dozens of numbers)."""


def answer_probabilities(
    model: Llama,
    prompt_tokens: int,
    answers: Sequence[str],
    deadline: float,
    greedy: Sequence[int],
    known: Sequence[np.ndarray],
) -> list[float] | None:
    """The probability of each of `answers` (the text that follows the prompt, as the model
    would write it) among them all, after the first `prompt_tokens` tokens of the model's last
    evaluation, the completion `greedy` (its token ids) following them in the KV cache.

    `known` gives, for positions of the greedy path (after the prompt, then after each of its
    tokens), every token's log-probability by id: those positions are not read again, and an
    answer they already make less than `NEGLIGIBLE` times as probable as the greedy answer is
    left out of the sum. None when the positions left to read are too many (`MAX_ROWS`) or would
    not be read by `deadline` (a `time.monotonic()` instant), or the KV cache cannot be cut."""
    tokens_of = {
        answer: tuple(model.tokenize(answer.encode("utf-8"), add_bos=False, special=False))
        for answer in answers
    }
    tree = AnswerTree(sorted(set(tokens_of.values())), tuple(greedy), known)
    rows = tree.rows_to_read()
    late = time.monotonic() + rows * SECONDS_PER_ROW > deadline
    if prompt_tokens < 1 or rows > MAX_ROWS or late:
        return None
    in_cache = tuple(int(t) for t in model.input_ids[prompt_tokens : model.n_tokens])
    reader = LlamaPositions(model, prompt_tokens, in_cache)
    try:
        read = tree.read(reader)
    except RuntimeError:  # a failed decode: the next completion reads its whole prompt again
        model.reset()
        return None
    kept = reader.restore(in_cache)
    if not read or not kept:
        model.reset()
        return None
    scores = [tree.log_probability(tokens_of[answer]) for answer in answers]
    top = max(score for score in scores if score is not None)
    weights = [0.0 if score is None else math.exp(score - top) for score in scores]
    total = sum(weights)
    return [weight / total for weight in weights]


class LlamaPositions:
    """Reads positions after the prompt with llama.cpp, keeping track of what the KV cache
    holds there."""

    def __init__(self, model: Llama, prompt_tokens: int, in_cache: Tokens) -> None:
        self._model = model
        self._prompt = prompt_tokens
        self._last = int(model.input_ids[prompt_tokens - 1])
        self._cached = in_cache

    def read(self, tokens: Tokens, first: int) -> list[tuple[int, np.ndarray]] | None:
        """The log-probabilities after `tokens[:end]` for `end` from `first` (or a little
        before) to the last, by one batch; None when the cache cannot be cut."""
        # the position after tokens[:end] holds tokens[end - 1]: the cache must hold the ones before
        start = min(first, _common_prefix(self._cached, tokens) + 1)
        position = self._prompt + start - 1
        batch = [self._last if end == 0 else tokens[end - 1] for end in range(start, len(tokens))]
        if not self._model._ctx.kv_cache_seq_rm(-1, position, -1):
            return None
        self._model._batch.set_batch(batch=batch, n_past=position, logits_all=True)
        self._model._ctx.decode(self._model._batch)
        self._cached = tokens[: len(tokens) - 1]
        shape = (len(batch), self._model.n_vocab())
        logits = np.ctypeslib.as_array(self._model._ctx.get_logits(), shape=shape)
        rows = []
        for row, end in enumerate(range(start, len(tokens))):
            scores = logits[row]
            top = float(scores.max())
            log_total = top + math.log(float(np.exp(scores - top).sum()))
            rows.append((end, scores - log_total))
        return rows

    def restore(self, in_cache: Tokens) -> bool:
        """Cuts the cache back to the prompt and the start of `in_cache` it still holds, and
        says so to the model (`n_tokens`), as a completion left it; False when it cannot."""
        end = self._prompt + _common_prefix(self._cached, in_cache)
        if not self._model._ctx.kv_cache_seq_rm(-1, end, -1):
            return False
        self._model.n_tokens = end
        return True


def _common_prefix(first: Tokens, second: Tokens) -> int:
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return length
