"""The API's request and response bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    field_validator,
    with_config,
)
from pydantic.config import JsonDict
from typing_extensions import TypedDict


@with_config(ConfigDict(extra="forbid"))
class RangeJSON(TypedDict):
    """A range field's value: its ends in the field's unit, null at an open end."""

    min: StrictInt | StrictFloat | None  # strict: `true` is no number here
    max: StrictInt | StrictFloat | None


JSONValue = float | int | str | bool | RangeJSON | list[str] | None
"""A value as the API writes it (the domain's `Value`): a number, an option, a boolean, a text,
a range `{"min", "max"}`, a list of options or texts (a field with `multiple`), or null."""
_BLANK = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK: JsonDict = {"pattern": rf"^[^\x00]*[^\x00{_BLANK}][^\x00]*$"}
"""What the schema says of a description or a field code: not blank, that is with a character
that Python's `str.strip` keeps (it removes more than a regex's backslash-s), and no NUL (which
no database stores alike; the lookup refuses it with a 422)."""
NO_NUL = r"^[^\x00]*$"


def _not_blank_code(code: str) -> str:
    if not code.strip():
        raise ValueError("the field code is blank")
    return code


FieldCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_not_blank_code),
    Field(json_schema_extra=NOT_BLANK),
]
"""Stripped by the lookup; checked here on the text as sent, as the schema says."""


class LookupBody(BaseModel):
    description: str = Field(
        min_length=1, description="The product text to read.", json_schema_extra=NOT_BLANK
    )
    llm: str | None = Field(
        default=None, min_length=1, description="A configured LLM name; the default when absent."
    )
    fields: list[FieldCode] = Field(min_length=1, description="The field codes to look up.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "description": "Lampe incandescente forme Standard 60X103 12V 40W E27",
                    "fields": ["EF000042", "EF000035"],
                }
            ]
        }
    )

    @field_validator("description")
    @classmethod
    def _not_blank(cls, description: str) -> str:
        if not description.strip():
            raise ValueError("the description is blank")
        return description


class FieldOut(BaseModel):
    code: str
    label: str
    type: str
    options: list[str]
    unit: str | None
    description: str | None
    extract: bool = Field(
        default=True, description="A text value is a span of the product text (false: free)."
    )
    multiple: bool = Field(
        default=False, description="The value is a list (several options of a select, texts)."
    )


class LLMsOut(BaseModel):
    default: str
    llms: list[str]


class HealthOut(BaseModel):
    status: str
    database: str


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    detail: list[ErrorItem]


class MessageOut(BaseModel):
    detail: str
