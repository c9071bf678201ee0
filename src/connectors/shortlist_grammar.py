"""The answer grammar, tried first on the best-scored tokens only.

llama.cpp's grammar sampler checks every candidate token against the grammar: Gemma 3 has 262k
tokens, and that check cost ~70 ms of CPU a generated token here, three times the model's own
decoding (`bench/embedded_model.py`). A greedy completion only needs the best token the grammar
allows, and that token is nearly always among the few the model scores highest, so this sampler
asks the grammar about a shortlist of them first (as llama.cpp's own `common_sampler` does with
its rejection step) and checks the whole vocabulary only when none of them is allowed. The
token chosen is the same either way: the highest-scored token that the grammar allows.

It also records the chosen token's probability among the allowed tokens (softmax over their
logits). On the shortlist, that sum misses the allowed tokens off it; the true probability lies
between the one among the shortlisted allowed tokens and the one among all tokens (allowed or
not, cheap to sum), so the shortlist's is kept when the two are within `TOLERANCE`, which they
are when the model is sure, and the whole vocabulary is checked otherwise. With
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
SHORTLIST = 64
TOLERANCE = 0.01
"""The most the recorded probability may be off: beyond it, the whole vocabulary is checked."""

Record = Callable[[int, float], None]
"""Told each chosen token and its probability among the tokens the grammar allows."""


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
    ) -> None:
        self._grammar = llama_cpp.llama_sampler_init_grammar(
            model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        self._record = record
        self._among_all_tokens = among_all_tokens
        self._shortlist = (llama_cpp.llama_token_data * SHORTLIST)()
        self._shortlist_view = np.frombuffer(self._shortlist, dtype=TOKEN_DATA)
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
        chain.custom_samplers.append((llama_cpp.llama_sampler_chain_n(chain.sampler) - 1, self))
        chain._exit_stack.callback(llama_cpp.llama_sampler_free, self._grammar)

    def _apply(self, candidates: Any) -> None:
        data = candidates_view(candidates)
        every = np.ascontiguousarray(data["logit"])
        best, probability = self._best_of_shortlist(data, every)
        if (
            best is not None
            and not self._among_all_tokens
            and probability - probability_of_best(every, best) > TOLERANCE
        ):
            best = None  # unsure: the allowed tokens off the shortlist may weigh, count them all
        if best is None:  # the grammar reads the whole vocabulary
            llama_cpp.llama_sampler_apply(self._grammar, candidates)
            allowed = np.ascontiguousarray(data["logit"])
            best = int(np.argmax(allowed))
            probability = probability_of_best(allowed, best)
        if self._among_all_tokens:
            probability = probability_of_best(every, best)
        self._record(int(data["id"][best]), probability)
        data[[0, best]] = data[[best, 0]]
        candidates.contents.size = 1
        candidates.contents.sorted = False

    def _best_of_shortlist(self, data: np.ndarray, logits: np.ndarray) -> tuple[int | None, float]:
        count = min(SHORTLIST, len(logits))
        top = np.argpartition(logits, -count)[-count:] if count < len(logits) else np.arange(count)
        shortlist = self._shortlist_view[:count]
        shortlist[:] = data[top]
        array = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self._shortlist, llama_cpp.llama_token_data_p),
            size=count,
            selected=-1,
            sorted=False,
        )
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(array))
        allowed = np.ascontiguousarray(shortlist["logit"][: array.size])
        if not np.isfinite(allowed).any():
            return None, 0.0
        chosen = int(np.argmax(allowed))
        return int(top[chosen]), probability_of_best(allowed, chosen)

    def _accept(self, token: int) -> None:
        llama_cpp.llama_sampler_accept(self._grammar, token)

    def _reset(self) -> None:
        llama_cpp.llama_sampler_reset(self._grammar)
