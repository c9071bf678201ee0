"""CSV cells that a spreadsheet shows as text, never runs as a formula (OWASP's CSV injection).

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (`=HYPERLINK(...)`); it is written with a `'` in front, which they
show as text. A plain number ("-5", "+2.5", "-1e3") is left as it is: it is only a number. A
cell starting with `'` gets one more, so that reading a file back (`original_cell`) gives every
cell exactly as it was before it was written."""

from __future__ import annotations

import re

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(text: str) -> str:
    """`text` as a spreadsheet will show it and not run it."""
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def original_cell(text: str) -> str:
    """The text that `safe_cell` wrote as `text`."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text
