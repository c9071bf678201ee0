"""The embedded model reads the prompt with its special tokens on: a control token written in a
product text must not reach it as one. Checked with Gemma 3's own tokenizer on the prompt the
lookup sends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from llama_cpp import Llama

from src.connectors.llama_cpp import embedded_gemma_path
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.families import GemmaFormat
from tests.unit.test_data_fence import BENIGN, ESCAPES, prompts_sent

pytestmark = pytest.mark.model


def special_tokens(vocabulary: Llama, text: str) -> list[int]:
    """The ids of the control tokens that `text` is read as (those of `<start_of_turn>` and
    `<end_of_turn>`, and any other that is not plain text)."""
    plain = set(vocabulary.tokenize(text.encode("utf-8"), add_bos=False, special=False))
    return [
        t
        for t in vocabulary.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        if t not in plain
    ]


def test_gemma_reads_no_turn_that_the_template_did_not_write() -> None:
    vocabulary = Llama(model_path=embedded_gemma_path(), vocab_only=True, verbose=False)
    turn = vocabulary.tokenize(b"<start_of_turn>", add_bos=False, special=True)
    assert len(turn) == 1  # a real control token of this vocabulary
    with ThreadPoolExecutor(max_workers=2) as pool:
        benign = prompts_sent(pool, GemmaFormat(), FewShotChainOfThought(), BENIGN)
        for description in ESCAPES:
            sent = prompts_sent(pool, GemmaFormat(), FewShotChainOfThought(), description)
            for escaped, expected in zip(sent, benign, strict=True):
                assert special_tokens(vocabulary, escaped) == special_tokens(vocabulary, expected)
                assert turn[0] in special_tokens(vocabulary, escaped)
