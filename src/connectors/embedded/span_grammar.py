"""The llama.cpp grammar of an answer that is null or a span of a text: `{"value": "<span>"}`,
or null or a list of spans: `{"value": ["<span>", "<span>"]}`.

The text is cut into pieces (runs of letters and digits, and single other characters) and a span
is any run of consecutive pieces, joined as the text joins them (nothing, or one space for any
white space). One rule per piece: piece i, then optionally what follows it, and a span starts at
any piece; the grammar grows linearly with the text, not with its number of spans.

A run of letters and digits is cut again where digits meet letters and where a small letter
meets a capital: texts scraped from web pages glue their words ("UPC: 021200726125INNER
PACKAGING", "6 Pads per PackPost-it", "13w x 4d"), and a value glued to the next word would be
no span at all. The glued run stays a span too (its pieces joined by nothing).
"""

from __future__ import annotations

import json
import re

_PIECE = re.compile(r"\w+|[^\w\s]")


def pieces(text: str) -> list[tuple[int, int]]:
    """The pieces of `text` as (start, end): runs of letters and digits, cut where digits meet
    letters and where a small letter meets a capital, and single other characters."""
    cut = []
    for match in _PIECE.finditer(text):
        start = match.start()
        for at in range(match.start() + 1, match.end()):
            before, after = text[at - 1], text[at]
            if before.isdigit() != after.isdigit() or (before.islower() and after.isupper()):
                cut.append((start, at))
                start = at
        cut.append((start, match.end()))
    return cut


OPENED_ROOT = 'root ::= ws value ws "}" ws'
"""The root of an answer whose `{"value":` the prompt already wrote (see `AnswerGrammar`)."""


def span_grammar(
    text: str, opened: bool = False, most: int | None = None, null: bool = True
) -> str:
    """The grammar of a whole answer, or with `opened` of what follows its `{"value":`; with
    `most`, the value is null or a list of 1 to `most` spans; without `null`, a span (or a list)
    only (for a text with a piece: otherwise no answer is left)."""
    cut = pieces(text)
    rules = [
        OPENED_ROOT if opened else 'root ::= "{" ws "\\"value\\"" ws ":" ws value ws "}" ws',
        "ws ::= [ ]?",
    ]
    values = ['"null"'] if null else []
    if most is not None and cut:
        more = f' (ws "," ws item){{0,{most - 1}}}' if most > 1 else ""
        values.append(f'"[" ws item{more} ws "]"')
        rules.append('item ::= "\\"" span "\\""')
    elif cut:
        values.append('"\\"" span "\\""')
    rules.insert(2, "value ::= " + " | ".join(values))
    if cut:
        rules.append("span ::= " + " | ".join(f"p{i}" for i in range(len(cut))))
    for i, (start, end) in enumerate(cut):
        literal = _literal(json.dumps(text[start:end], ensure_ascii=False)[1:-1])
        if i + 1 < len(cut):
            between = text[end : cut[i + 1][0]]
            separator = ' " "' if between else ""
            rules.append(f"p{i} ::= {literal} ({separator} p{i + 1})?")
        else:
            rules.append(f"p{i} ::= {literal}")
    return "\n".join(rules) + "\n"


def _literal(text: str) -> str:
    """A GBNF string literal of `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
