"""The probability the embedded model gave each token it chose, under the answer grammar.

llama-cpp-python's `logprobs` needs `logits_all=True`: the logits of every position of the
prompt too, 262k floats each with Gemma 3's vocabulary, for a prompt of a thousand tokens. Here
the greedy sampler chain of a temperature-0 completion is built with one more step between the
grammar and the greedy choice, which reads the candidates the grammar left and records the
softmax probability of the best of them (the token greedy decoding then takes): one pass over
the vocabulary per generated token, and the probabilities are those of the answers the grammar
allows. It replaces `Llama._init_sampler` (llama-cpp-python 0.3), a private method: the
integration tests of the connector check that the recorded tokens spell the answer.
"""

from __future__ import annotations

from typing import Any

import llama_cpp._internals as internals
import numpy as np
from llama_cpp import Llama

from src.connectors.embedded.shortlist_grammar import (
    ShortlistGrammar,
    candidates_view,
    probability_of_best,
)
from src.domain.confidence.tokens import TokenProbability


class ProbabilityRecordingLlama(Llama):
    """A `Llama` whose temperature-0 completions record each chosen token and its probability
    among the tokens the grammar allows (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chosen: list[tuple[int, float]] = []
        self._among_all_tokens = False
        self._alternative: int | None = None
        self._one_tokens: dict[str, int | None] = {}
        self._alternative_probability: float | None = None
        self._keep_positions = False
        self._positions: list[np.ndarray] = []

    def forget_chosen(
        self, among_all_tokens: bool = False, alternative: str = "", keep_positions: bool = False
    ) -> None:
        """Starts a new record: call before each completion (under the caller's lock). With
        `among_all_tokens`, the next completion records each chosen token's probability among
        all tokens rather than among those its grammar allows (see `ShortlistGrammar`). With
        `alternative`, the text of one token (" null"), it also keeps that token's probability
        among all tokens at its first generated position (`alternative_probability`). With
        `keep_positions`, every token's log-probability at each generated position
        (`positions`)."""
        self._chosen = []
        self._among_all_tokens = among_all_tokens
        self._alternative = self._one_token(alternative) if alternative else None
        self._alternative_probability = None
        self._keep_positions = keep_positions
        self._positions = []

    def positions(self) -> list[np.ndarray]:
        """At each position generated since `forget_chosen(keep_positions=True)`, every token's
        log-probability among all tokens, indexed by token id (empty without a grammar)."""
        return self._positions

    def chosen_ids(self) -> tuple[int, ...]:
        """The ids of the tokens chosen since `forget_chosen`."""
        return tuple(token for token, _ in self._chosen)

    def _one_token(self, text: str) -> int | None:
        """The id of the one token `text` is, tokenized once per text; None when it is several."""
        if text not in self._one_tokens:
            ids = self.tokenize(text.encode("utf-8"), add_bos=False)
            self._one_tokens[text] = ids[0] if len(ids) == 1 else None
        return self._one_tokens[text]

    def alternative_probability(self) -> float | None:
        """The probability of `forget_chosen`'s alternative token at the first generated
        position, among all tokens; None when none was asked for or the grammar never ran."""
        return self._alternative_probability

    def chosen_tokens(self) -> tuple[TokenProbability, ...]:
        """The tokens chosen since `forget_chosen`, each with its text and probability."""
        ids = [token for token, _ in self._chosen]
        texts, spelled = [], ""
        for end in range(1, len(ids) + 1):
            text = self.detokenize(ids[:end]).decode("utf-8", errors="ignore")
            texts.append(text[len(spelled) :])
            spelled = text
        return tuple(
            TokenProbability(text, p) for text, (_, p) in zip(texts, self._chosen, strict=True)
        )

    def chosen_text(self) -> str:
        """What the tokens chosen since `forget_chosen` spell."""
        ids = [token for token, _ in self._chosen]
        return self.detokenize(ids).decode("utf-8", errors="ignore")

    def _init_sampler(self, *args: Any, **kwargs: Any) -> internals.LlamaSampler:
        if args or kwargs.get("temp") != 0.0 or kwargs.get("logits_processor") is not None:
            default: internals.LlamaSampler = super()._init_sampler(*args, **kwargs)
            return default
        sampler = internals.LlamaSampler()
        grammar = kwargs.get("grammar")
        if grammar is not None:
            ShortlistGrammar(
                self._model,
                grammar,
                self._record,
                self._among_all_tokens,
                self._told_first_position if self._alternative is not None else None,
                self._kept_position if self._keep_positions else None,
            ).add_to(sampler)
        else:
            sampler.add_custom(self._record_best)
        sampler.add_greedy()
        return sampler

    def _told_first_position(self, ids: np.ndarray, weights: np.ndarray, total: float) -> None:
        found = np.flatnonzero(ids == self._alternative)
        self._alternative_probability = float(weights[found[0]] / total) if found.size else None

    def _kept_position(self, ids: np.ndarray, logits: np.ndarray, log_total: float) -> None:
        by_id = np.empty(len(ids), dtype=np.float32)
        by_id[ids] = logits - log_total
        self._positions.append(by_id)

    def _record(self, token: int, probability: float) -> None:
        self._chosen.append((token, probability))

    def _record_best(self, candidates: Any) -> None:
        data = candidates_view(candidates)
        # A contiguous copy first: on the strided field, a mask and a float64 exp took ~40 ms a
        # token on this loaded machine, against ~0.8 ms so (the grammar's -inf give exp 0).
        logits = np.ascontiguousarray(data["logit"])
        best = int(np.argmax(logits))
        self._record(int(data["id"][best]), probability_of_best(logits, best))
