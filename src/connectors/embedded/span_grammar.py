"""The llama.cpp grammar of an answer that is null or a span of a text: `{"value": "<span>"}`,
or null or a list of spans: `{"value": ["<span>", "<span>"]}`.

The text is cut into pieces (runs of letters and digits, and single other characters) and a span
is any run of consecutive pieces, joined as the text joins them (nothing, or one space for any
white space). One rule per piece: piece i, then optionally what follows it, and a span starts at
any piece; the grammar grows linearly with the text, not with its number of spans.
"""

from __future__ import annotations

import json
import re

_PIECE = re.compile(r"\w+|[^\w\s]")


OPENED_ROOT = 'root ::= ws value ws "}" ws'
"""The root of an answer whose `{"value":` the prompt already wrote (see `AnswerGrammar`)."""


def span_grammar(
    text: str, opened: bool = False, most: int | None = None, null: bool = True
) -> str:
    """The grammar of a whole answer, or with `opened` of what follows its `{"value":`; with
    `most`, the value is null or a list of 1 to `most` spans; without `null`, a span (or a list)
    only (for a text with a piece: otherwise no answer is left)."""
    pieces = list(_PIECE.finditer(text))
    rules = [
        OPENED_ROOT if opened else 'root ::= "{" ws "\\"value\\"" ws ":" ws value ws "}" ws',
        "ws ::= [ ]?",
    ]
    values = ['"null"'] if null else []
    if most is not None and pieces:
        more = f' (ws "," ws item){{0,{most - 1}}}' if most > 1 else ""
        values.append(f'"[" ws item{more} ws "]"')
        rules.append('item ::= "\\"" span "\\""')
    elif pieces:
        values.append('"\\"" span "\\""')
    rules.insert(2, "value ::= " + " | ".join(values))
    if pieces:
        rules.append("span ::= " + " | ".join(f"p{i}" for i in range(len(pieces))))
    for i, piece in enumerate(pieces):
        literal = _literal(json.dumps(piece.group(0), ensure_ascii=False)[1:-1])
        if i + 1 < len(pieces):
            between = text[piece.end() : pieces[i + 1].start()]
            separator = ' " "' if between else ""
            rules.append(f"p{i} ::= {literal} ({separator} p{i + 1})?")
        else:
            rules.append(f"p{i} ::= {literal}")
    return "\n".join(rules) + "\n"


def _literal(text: str) -> str:
    """A GBNF string literal of `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
