"""Product text fenced as data, which nothing in it can close or step out of, whatever the model
family: no `\"\"\"` is left inside (a run of three quotes or more becomes one), and nothing that
a model family writes its turns with can be read as such (`<end_of_turn>`, `<|im_end|>`, `</s>`,
`[INST]`, `<<SYS>>`): an embedded model tokenizes a prompt with its special tokens on, and a
chat server renders messages into a template, so such a sequence in the text would otherwise
end the user's turn and open one of the model's."""

from __future__ import annotations

import re

FENCE = '"""'
_QUOTE_RUNS = re.compile('"{3,}')
_CONTROL_TOKEN = re.compile(r"<[^<>\s]{1,48}>|\[/?[A-Z][A-Z_]{1,31}\]")
"""Every special token of the families the project knows is one of these: angle brackets round
a word without spaces (Gemma, ChatML, LLaMA, Mistral, Phi), or a bracketed capital word
(`[INST]`). HTML tags without attributes (`<br>`) are caught too, harmlessly."""
_LOOK_ALIKE = str.maketrans({"<": "‹", ">": "›", "[": "⟦", "]": "⟧"})


def disarmed(text: str) -> str:
    """`text` with nothing left that closes a fence or reads as a model's control token."""
    text = _QUOTE_RUNS.sub('"', text)
    return _CONTROL_TOKEN.sub(lambda token: token.group().translate(_LOOK_ALIKE), text)


def fenced(label: str, text: str) -> str:
    """`label:` then `text`, disarmed, between two fences on lines of their own."""
    return f"{label}:\n{FENCE}\n{disarmed(text.strip())}\n{FENCE}"
