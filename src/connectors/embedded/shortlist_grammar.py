"""The answer grammar, tried first on the best-scored tokens only.

llama.cpp's grammar sampler checks every candidate token against the grammar: Gemma 3 has 262k
tokens, and that check cost ~70 ms of CPU a generated token here, three times the model's own
decoding (`bench/embedded_model.py`). A greedy completion only needs the best token the grammar
allows, and that token is nearly always among the few the model scores highest, so this sampler
asks the grammar about a shortlist of them first (as llama.cpp's own `common_sampler` does with
its rejection step) and checks the whole vocabulary only when none of them is allowed. The
token chosen is the same either way: the highest-scored token that the grammar allows.

It also records the chosen token's probability among the allowed tokens (softmax over their
logits). On a shortlist, that sum misses the allowed tokens off it, which weigh at most what all
the tokens off it weigh: the true probability lies between the one among the shortlisted allowed
tokens and the one with every token off the shortlist counted as allowed. The shortlist's is kept
when the two are within `TOLERANCE`, which they are when the model is sure; otherwise a longer
shortlist is tried (`SHORTLISTS`), and the whole vocabulary is checked only when the longest
cannot tell (a third of the generated tokens of 15-field products did so with the first
shortlist alone and a looser bound, a tenth now). With
`among_all_tokens`, the probability recorded is the chosen token's among every token, allowed or
not: what the model itself gave the choice, before the grammar took the others away.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import llama_cpp
import llama_cpp._internals as internals
import numpy as np

TOKEN_DATA = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)
SHORTLISTS = (64, 1024, 16384)
"""The shortlists tried in turn, longer when a shorter one cannot tell the probability."""
TOLERANCE = 0.01
"""The most the recorded probability may be off: beyond it, the whole vocabulary is checked."""

Record = Callable[[int, float], None]
"""Told each chosen token and its probability among the tokens the grammar allows."""
FirstPosition = Callable[[np.ndarray, np.ndarray, float], None]
"""Told, at the first generated position, every token's id, its weight (exp of its logit less
the best one's) and the weights' sum: a token's probability among all is its weight over it."""
EveryPosition = Callable[[np.ndarray, np.ndarray, float], None]
"""Told, at each generated position, every token's id, its logit and the log of the logits'
softmax normaliser: a token's log-probability among all is its logit less that."""


def candidates_view(candidates: Any) -> np.ndarray:
    """The candidate array llama.cpp passes a sampler, as a writable numpy view."""
    size = candidates.contents.size
    address = ctypes.addressof(candidates.contents.data.contents)
    return np.frombuffer(
        (llama_cpp.llama_token_data * size).from_address(address), dtype=TOKEN_DATA
    )


def probability_of_best(logits: np.ndarray, best: int) -> float:
    """Softmax probability of `logits[best]` (rejected tokens are -inf and weigh nothing)."""
    return float(1.0 / np.exp(logits - logits[best]).sum(dtype=np.float64))


class ShortlistGrammar:
    """A sampler for a chain before `greedy`: it leaves only the best allowed token."""

    def __init__(
        self,
        model: internals.LlamaModel,
        grammar: Any,
        record: Record,
        among_all_tokens: bool = False,
        first_position: FirstPosition | None = None,
        every_position: EveryPosition | None = None,
    ) -> None:
        self._grammar = llama_cpp.llama_sampler_init_grammar(
            model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        self._record = record
        self._among_all_tokens = among_all_tokens
        self._first_position = first_position
        self._every_position = every_position
        self._shortlist = (llama_cpp.llama_token_data * 0)()
        self._shortlist_view = np.empty(0, dtype=TOKEN_DATA)  # grown by _allowed as needed
        self._callbacks = (  # kept referenced: llama.cpp holds only the C pointers
            llama_cpp.llama_sampler_i_apply(lambda _, candidates: self._apply(candidates)),
            llama_cpp.llama_sampler_i_accept(lambda _, token: self._accept(token)),
            llama_cpp.llama_sampler_i_reset(lambda _: self._reset()),
        )
        interface = llama_cpp.llama_sampler_i()
        interface.apply, interface.accept, interface.reset = self._callbacks
        interface.name = llama_cpp.llama_sampler_i_name(0)
        interface.clone = llama_cpp.llama_sampler_i_clone(0)
        interface.free = llama_cpp.llama_sampler_i_free(0)
        self._interface = interface
        self._sampler = llama_cpp.llama_sampler()
        self._sampler.iface = ctypes.pointer(interface)
        self._sampler.ctx = None

    def add_to(self, chain: internals.LlamaSampler) -> None:
        """Adds this sampler to `chain`, which removes it (and frees the grammar) on close."""
        llama_cpp.llama_sampler_chain_add(chain.sampler, ctypes.pointer(self._sampler))
        # The chain reads only the index of a custom sampler (to remove it on close); llama_cpp
        # types the list as its own CustomSampler, which this is not.
        index = llama_cpp.llama_sampler_chain_n(chain.sampler) - 1
        chain.custom_samplers.append((index, self))  # type: ignore[arg-type]
        chain._exit_stack.callback(llama_cpp.llama_sampler_free, self._grammar)

    def _apply(self, candidates: Any) -> None:
        data = candidates_view(candidates)
        logits = np.ascontiguousarray(data["logit"])
        weights = np.exp(logits - logits.max(), dtype=np.float64)
        total = float(weights.sum())
        if self._first_position is not None:
            self._first_position(np.ascontiguousarray(data["id"]), weights, total)
            self._first_position = None
        if self._every_position is not None:
            log_total = float(np.log(total)) + float(logits.max())
            self._every_position(np.ascontiguousarray(data["id"]), logits, log_total)
        found = self._best_of_shortlists(data, logits, weights, total)
        if found is None:  # the grammar reads the whole vocabulary
            llama_cpp.llama_sampler_apply(self._grammar, candidates)
            allowed = np.ascontiguousarray(data["logit"])
            best = int(np.argmax(allowed))
            probability = (
                float(weights[best] / total)
                if self._among_all_tokens
                else probability_of_best(allowed, best)
            )
        else:
            best, probability = found
        self._record(int(data["id"][best]), probability)
        data[[0, best]] = data[[best, 0]]
        candidates.contents.size = 1
        candidates.contents.sorted = False

    def _best_of_shortlists(
        self, data: np.ndarray, logits: np.ndarray, weights: np.ndarray, total: float
    ) -> tuple[int, float] | None:
        """The best allowed token and its probability among the allowed tokens, from the
        best-scored tokens only, or None when the whole vocabulary must be checked.

        On a shortlist, the allowed tokens' weight `allowed` is known, and the allowed tokens
        off it weigh at most what the tokens off it weigh (`rest`): the probability lies
        between best/(allowed + rest) and best/allowed. A longer shortlist narrows the gap.
        Among all tokens, the best allowed token's probability is known exactly."""
        for count in SHORTLISTS:
            if count >= len(logits):
                return None
            top = np.argpartition(logits, -count)[-count:]
            allowed = self._allowed(data[top])
            if allowed.any():
                chosen = int(np.argmax(np.where(allowed, logits[top], -np.inf)))
                best = int(top[chosen])
                if self._among_all_tokens:
                    return best, float(weights[best] / total)
                allowed_weight = weights[top][allowed].sum()
                rest = total - weights[top].sum()
                upper = weights[best] / allowed_weight
                if upper - weights[best] / (allowed_weight + rest) <= TOLERANCE:
                    return best, float(upper)
        return None

    def _allowed(self, shortlisted: np.ndarray) -> np.ndarray:
        """Which of the shortlisted tokens the grammar allows next."""
        count = len(shortlisted)
        if len(self._shortlist_view) < count:
            self._shortlist = (llama_cpp.llama_token_data * count)()
            self._shortlist_view = np.frombuffer(memoryview(self._shortlist), dtype=TOKEN_DATA)
        view = self._shortlist_view[:count]
        view[:] = shortlisted
        array = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self._shortlist, llama_cpp.llama_token_data_p),
            size=count,
            selected=-1,
            sorted=False,
        )
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(array))
        allowed: np.ndarray = np.isfinite(view["logit"])
        return allowed

    def _accept(self, token: int) -> None:
        llama_cpp.llama_sampler_accept(self._grammar, token)

    def _reset(self) -> None:
        llama_cpp.llama_sampler_reset(self._grammar)
