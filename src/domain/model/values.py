"""The value rules: turn what a model said about a field into a typed value, or say why not.

Each kind says how it reads an answer (`src/domain/model/kinds/`): a number field answers a JSON
number ("3493,8", "1 200" and "40W" are read as numbers); a select answers exactly one of its
options, matched case- and accent-insensitively; a boolean answers true/false (oui/non, yes/no,
vrai/faux); a text answers a trimmed string; a range `{"min", "max"}` or a text writing one; a
field with `multiple` a list of its kind's values. A model saying it does not know gives
`not_found`; anything else gives `invalid_output`.
"""

from __future__ import annotations

from src.domain.model import Field
from src.domain.model.answers import ParsedValue, parse_number, says_not_found
from src.domain.model.kinds import kind_of


def coerce(field: Field, answer: object) -> ParsedValue:
    """The typed value of `answer` (a JSON value or a string) for `field`."""
    if isinstance(answer, str):
        answer = answer.strip()
    return kind_of(field).coerce(field, answer)


__all__ = ["ParsedValue", "coerce", "parse_number", "says_not_found"]
