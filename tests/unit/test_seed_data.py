"""Sanity checks for the hand-written seed data in data/fields.json and data/examples.json."""

import json
import re
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
ALLOWED_TYPES = {"number", "select", "boolean", "text"}
CODE_RE = re.compile(r"^EF\d{6}$")


@pytest.fixture(scope="module")
def fields():
    with open(DATA_DIR / "fields.json", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def examples():
    with open(DATA_DIR / "examples.json", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def fields_by_code(fields):
    return {f["code"]: f for f in fields}


def test_fields_shape(fields):
    assert isinstance(fields, list)
    assert len(fields) >= 60
    codes = [f["code"] for f in fields]
    assert len(codes) == len(set(codes)), "field codes must be unique"
    for f in fields:
        assert CODE_RE.match(f["code"]), f["code"]
        assert isinstance(f["label"], str) and f["label"].strip(), f
        assert isinstance(f["description"], str) and f["description"].strip(), f
        assert f["type"] in ALLOWED_TYPES, f
        assert isinstance(f["options"], list), f
        if f["type"] == "select":
            assert f["options"], f"select {f['code']} needs options"
            assert all(isinstance(o, str) and o for o in f["options"]), f
            assert len(f["options"]) == len(set(f["options"])), f"duplicate options in {f['code']}"
        else:
            assert f["options"] == [], f
        if f["type"] == "number":
            assert isinstance(f["unit"], str) and f["unit"], f"number {f['code']} needs a unit"
        else:
            assert f["unit"] is None, f


def _value_ok(field, value):
    ftype = field["type"]
    if ftype == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if ftype == "select":
        return isinstance(value, str) and value in field["options"]
    if ftype == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str) and bool(value.strip())


def test_examples_shape(examples, fields_by_code):
    assert isinstance(examples, list)
    assert len(examples) >= 150
    contexts = {e["context"] for e in examples}
    assert len(contexts) >= 30
    nulls = [e for e in examples if e["value"] is None]
    assert len(nulls) >= 30
    for e in examples:
        assert set(e) == {"field", "context", "value"}, e
        assert e["field"] in fields_by_code, f"unknown field {e['field']}"
        assert isinstance(e["context"], str) and e["context"].strip(), e
        if e["value"] is not None:
            assert _value_ok(fields_by_code[e["field"]], e["value"]), e


def test_examples_no_duplicate_field_per_context(examples):
    pairs = [(e["context"], e["field"]) for e in examples]
    assert len(pairs) == len(set(pairs)), "a product text labels the same field twice"


def test_examples_cover_many_fields(examples):
    assert len({e["field"] for e in examples}) >= 45
