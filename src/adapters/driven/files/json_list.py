"""The records of a file holding one JSON list of objects, read a chunk at a time: memory holds
a chunk and the record being read, whatever the file's size. A defect raises DataFileError
naming the file (and the record, or the line and column of invalid JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn, TextIO

from src.domain.errors import DataFileError

_CHUNK_CHARS = 1 << 20
_LONGEST_RECORD_CHARS = 1 << 26
_CUT_MARGIN = 16
"""Invalid JSON this close to the window's end may be a number or a word cut by it."""
_WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()


def json_list_records(path: Path) -> Iterator[Mapping[str, Any]]:
    """Each object of the file's JSON list, in order. The file is opened at once (a missing
    file is refused before any record is asked for); the records are read as they are asked."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(str(path), None, "no such file") from None
    return _records(path, handle)


def _records(path: Path, handle: TextIO) -> Iterator[Mapping[str, Any]]:
    with handle:
        reader = _Reader(path, handle)
        if reader.next_char() != "[":
            reader.value()  # invalid JSON is told as such
            raise DataFileError(str(path), None, "the file must hold a JSON list of records")
        reader.skip(1)
        if reader.next_char() == "]":
            reader.skip(1)
            reader.expect_end()
            return
        number = 0
        while True:
            number += 1
            record = reader.value()
            if not isinstance(record, dict):
                raise DataFileError(str(path), f"record {number}", "a record must be a JSON object")
            yield record
            after = reader.next_char()
            reader.skip(1)
            if after == "]":
                reader.expect_end()
                return
            if after != ",":
                reader.invalid("Expecting ',' delimiter", -1)


class _Reader:
    """A window on the file: `buffer[position:]` is what is not read yet; `_line` and
    `_column` place the window's first character in the file (line from 1, column from 0)."""

    def __init__(self, path: Path, handle: TextIO) -> None:
        self._path, self._handle = path, handle
        self.buffer, self.position = "", 0
        self._line, self._column = 1, 0
        self._ended = False

    def next_char(self) -> str:
        """The next character that is not whitespace ("" at the end of the file)."""
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position] in _WHITESPACE:
                self.position += 1
            if self.position < len(self.buffer) or not self._more():
                return self.buffer[self.position : self.position + 1]

    def skip(self, count: int) -> None:
        self.position += count

    def value(self) -> object:
        self.next_char()
        while True:
            try:
                found, end = _DECODER.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if _may_go_on(error, len(self.buffer)) and self._more():
                    continue  # the record goes on in the next chunk
                self.invalid(error.msg, error.pos - self.position)
            else:
                self.position = end
                return found

    def expect_end(self) -> None:
        if self.next_char():
            self.invalid("Extra data", 0)

    def invalid(self, reason: str, offset: int) -> NoReturn:
        at = self.position + offset
        newline = self.buffer.rfind("\n", 0, at)
        line = self._line + self.buffer.count("\n", 0, at)
        column = at - newline if newline >= 0 else self._column + at + 1
        raise DataFileError(
            str(self._path), None, f"invalid JSON at line {line}, column {column}: {reason}"
        )

    def _more(self) -> bool:
        """Reads the next chunk into the window, dropping what was read; False at the end."""
        if self._ended:
            return False
        if len(self.buffer) - self.position > _LONGEST_RECORD_CHARS:
            raise DataFileError(
                str(self._path), None, f"a record longer than {_LONGEST_RECORD_CHARS} characters"
            )
        try:
            chunk = self._handle.read(_CHUNK_CHARS)
        except UnicodeDecodeError as error:
            raise DataFileError(str(self._path), None, f"not UTF-8 text ({error.reason})") from None
        if not chunk:
            self._ended = True
            return False
        dropped = self.buffer[: self.position]
        newline = dropped.rfind("\n")
        self._line += dropped.count("\n")
        self._column = len(dropped) - newline - 1 if newline >= 0 else self._column + len(dropped)
        self.buffer, self.position = self.buffer[self.position :] + chunk, 0
        return True


def _may_go_on(error: json.JSONDecodeError, read: int) -> bool:
    """Whether invalid JSON may be a record cut at the end of the window."""
    return error.msg.startswith("Unterminated string") or error.pos >= read - _CUT_MARGIN
