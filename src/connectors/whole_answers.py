"""The probability of each answer a schema lists, as a whole, after the prompt.

Greedy decoding under a grammar takes the best allowed token at each step, and a chosen token's
probability is read among the tokens the grammar allows there: once a number's first digit is
chosen, a grammar that allows only one number starting with it makes every later token
certain, whatever the model would have written next (label bias). For a schema that lists its
answers (a number's candidates from the text, and null), this reads instead every answer's own
probability after the prompt (the product of its tokens' probabilities among all tokens, as the
tokenizer spells it) and normalises over them: the probability of one answer among all those
allowed.

The answers' tokens are read as a tree: a prefix answers share (the space, a first digit) is
read once, in the batch of the first answer, sorted, that has it; each later answer's batch
holds only the positions the previous answer did not read. A batch is never a single token:
with llama-cpp-python 0.3.36, one token decoded where the cache had just removed the end of a
longer batch read P("}" | " 12") as e^-4.48 where a fresh reading gives e^-4.31; two tokens,
the previous one read again, agree with it to llama.cpp's batch-to-batch rounding (a few
percent, `tests/integration/test_whole_answers.py`). It uses llama-cpp-python's batch and
context (`Llama._batch`, `Llama._ctx`) as `Llama.eval` does, and leaves the KV cache and
`n_tokens` holding the prompt but its last token, which the next completion reads again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
from llama_cpp import Llama

SECONDS_PER_ROW = 0.012
"""A generous cost of one position read (~8 ms measured with 2 threads on 2 cores)."""
MAX_ROWS = 48
"""Positions of the tree read at most (each ~8 ms on 2 cores, mostly the 262k-token output
layer): beyond, the greedy path's own confidence is kept (a text writing dozens of numbers)."""

Tokens = tuple[int, ...]


def answer_probabilities(
    model: Llama, prompt_tokens: int, answers: Sequence[str], deadline: float
) -> list[float] | None:
    """The probability of each of `answers` (the text that follows the prompt, as the model
    would write it) among them all, after the first `prompt_tokens` tokens of the model's
    last evaluation. None when the tree of their tokens is too large (`MAX_ROWS`) or would not
    be read by `deadline` (a `time.monotonic()` instant), or the KV cache cannot be cut back."""
    tokens_of = {
        answer: tuple(model.tokenize(answer.encode("utf-8"), add_bos=False, special=False))
        for answer in answers
    }
    spelled = sorted(set(tokens_of.values()))
    rows = _rows(spelled)
    late = time.monotonic() + rows * SECONDS_PER_ROW > deadline
    if not spelled or prompt_tokens < 1 or rows > MAX_ROWS or late:
        return None
    base = prompt_tokens - 1  # the prompt's last token is read again, for its logits
    try:
        next_token = _next_token_log_probabilities(model, base, int(model.input_ids[base]), spelled)
    except RuntimeError:  # a failed decode: the next completion reads its whole prompt again
        model.reset()
        return None
    model._ctx.kv_cache_seq_rm(-1, base, -1)
    model.n_tokens = base
    if next_token is None:
        return None
    scores = [_log_probability(tokens_of[answer], next_token) for answer in answers]
    top = max(scores)
    weights = [math.exp(score - top) for score in scores]
    total = sum(weights)
    return [weight / total for weight in weights]


def _rows(spelled: Sequence[Tokens]) -> int:
    """The tree's positions that need a next token's probability: its inner prefixes."""
    return len({tokens[:end] for tokens in spelled for end in range(len(tokens))})


def _next_token_log_probabilities(
    model: Llama, base: int, last: int, spelled: Sequence[Tokens]
) -> dict[tuple[Tokens, int], float] | None:
    """log P(token | prompt + prefix) for every prefix of the sorted `spelled` and the tokens
    that follow it there. Each answer's batch reads only the positions the previous answer (its
    longest common prefix among the earlier ones, the list being sorted) has not."""
    children: dict[Tokens, set[int]] = {}
    for tokens in spelled:
        for end in range(len(tokens)):
            children.setdefault(tokens[:end], set()).add(tokens[end])
    found: dict[tuple[Tokens, int], float] = {}
    previous: Tokens = ()
    for tokens in spelled:
        start = min(_common_prefix(previous, tokens) + 1, len(previous)) if previous else 0
        previous = tokens
        if start == len(tokens):  # every position it needs was read for the earlier answers
            continue
        if len(tokens) - start < 2 and start > 0:
            start -= 1  # a batch of one token, where earlier ones were removed, reads wrong
        batch = [last if end == 0 else tokens[end - 1] for end in range(start, len(tokens))]
        if not model._ctx.kv_cache_seq_rm(-1, base + start, -1):
            return None
        model._batch.set_batch(batch=batch, n_past=base + start, logits_all=True)
        model._ctx.decode(model._batch)
        shape = (len(batch), model.n_vocab())
        logits = np.ctypeslib.as_array(model._ctx.get_logits(), shape=shape)
        for row, end in enumerate(range(start, len(tokens))):
            prefix = tokens[:end]
            scores = logits[row]
            top = float(scores.max())
            log_total = top + math.log(float(np.exp(scores - top).sum()))
            for child in children[prefix]:
                found[(prefix, child)] = float(scores[child]) - log_total
    return found


def _log_probability(tokens: Tokens, next_token: dict[tuple[Tokens, int], float]) -> float:
    return sum(next_token[(tokens[:end], tokens[end])] for end in range(len(tokens)))


def _common_prefix(first: Tokens, second: Tokens) -> int:
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return length
