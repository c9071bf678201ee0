"""A cache key is the SHA-256 of one JSON list (the LLM, its format and strategy, the field's
definition, the text last), so that the answers a database cache kept stay reachable; it is
written from the field's part once, and the text's part per lookup."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from src.domain.catalogue.selection import TrigramSimilarity
from src.domain.lookup.cache import cache_key
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Field, FieldType
from src.domain.prompting.chain_of_thought import BasicChainOfThought, FewShotChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.ports import ChainOfThought
from src.domain.prompting.shared_prefix.answer_object import AnswerObjectChainOfThought
from src.domain.prompting.shared_prefix.conversation import ConversationChainOfThought
from src.domain.prompting.shared_prefix.ports import SharedPrefixChainOfThought
from tests.support.fakes import FakeConnector

LLM = ConfiguredLLM("fake", ChatFormat(), FewShotChainOfThought(k=3), FakeConnector())
SELECTION = TrigramSimilarity().identity
FIELDS = [
    Field(
        "EF000042", "Culot", FieldType.SELECT, ("E27", "GU10", "Ø 5 mm"), description="« culot »"
    ),
    Field("EF000049", "Tension", FieldType.NUMBER, unit="V"),
    Field("EF009999", "Couleur", FieldType.TEXT, extract=False),
]
TEXTS = ["Lampe 40W E27", 'Spot "GU10" 230 V — blanc chaud', "naïve\nligne\t2 \\ fin", ""]


def key_as_written(llm: ConfiguredLLM, field: Field, text: str) -> str:
    parts = [
        llm.name,
        llm.prompt_format.family,
        llm.chain_of_thought.name,
        llm.chain_of_thought.examples_per_field,
        field.code,
        field.label,
        field.type.value,
        list(field.options),
        field.unit,
        field.description,
        *([] if field.extract else ["free text"]),
        *([SELECTION] if llm.chain_of_thought.examples_per_field else []),
        text,
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def test_a_key_is_the_hash_of_the_whole_list_whatever_the_field_and_text() -> None:
    for field in FIELDS:
        for text in TEXTS:
            assert cache_key(LLM, field, text, SELECTION) == key_as_written(LLM, field, text)


def test_a_key_changes_with_the_text_and_the_field_definition() -> None:
    field = FIELDS[0]
    keys = {
        cache_key(LLM, field, "Lampe E27", SELECTION),
        cache_key(LLM, field, "Lampe GU10", SELECTION),
        cache_key(
            LLM, Field(field.code, field.label, field.type, ("E27",)), "Lampe E27", SELECTION
        ),
        cache_key(
            LLM, Field(field.code, "Autre", field.type, field.options), "Lampe E27", SELECTION
        ),
    }
    assert len(keys) == 4


def test_a_key_changes_with_the_fields_revision_after_an_earlier_one_was_keyed() -> None:
    field = FIELDS[1]
    first = cache_key(LLM, field, "Lampe 12V", SELECTION)  # memoises the field's part at revision 0

    revised = replace(field, revision=3)

    assert cache_key(LLM, revised, "Lampe 12V", SELECTION) != first
    assert cache_key(LLM, replace(field, revision=0), "Lampe 12V", SELECTION) == first


def test_a_key_changes_with_the_examples_per_field_and_with_the_shot_products() -> None:
    field, text = FIELDS[0], "Lampe E27"

    def key(chain: ChainOfThought | SharedPrefixChainOfThought) -> str:
        llm = ConfiguredLLM("fake", ChatFormat(), chain, FakeConnector())
        return cache_key(llm, field, text, SELECTION)

    few_shot = {key(FewShotChainOfThought(k=k)) for k in (0, 1, 3)}
    conversation = {key(ConversationChainOfThought(k=k)) for k in (1, 2, 3)}
    answer_object = {key(AnswerObjectChainOfThought(k=k)) for k in (1, 2, 3)}

    assert len(few_shot) == len(conversation) == len(answer_object) == 3
    assert not few_shot & conversation and not conversation & answer_object


def test_a_key_names_the_selection_policy_when_the_strategy_shows_examples() -> None:
    field = FIELDS[0]
    other = TrigramSimilarity(bound=8).identity
    assert cache_key(LLM, field, "Lampe E27", SELECTION) != cache_key(
        LLM, field, "Lampe E27", other
    )
    assert cache_key(LLM, field, "Lampe E27", SELECTION) != cache_key(
        LLM, field, "Lampe E27", TrigramSimilarity(version=2).identity
    )
    no_examples = ConfiguredLLM("fake", ChatFormat(), BasicChainOfThought(), FakeConnector())
    assert cache_key(no_examples, field, "Lampe E27", SELECTION) == cache_key(
        no_examples, field, "Lampe E27", other
    )
    assert cache_key(no_examples, field, "Lampe E27", SELECTION) == key_as_written(
        no_examples, field, "Lampe E27"
    )


def test_a_key_changes_with_the_version_of_the_code_that_makes_answers() -> None:
    field, text = FIELDS[0], "Lampe E27"
    before = cache_key(LLM, field, text, SELECTION, "d13e0e41c0139475")

    assert cache_key(LLM, field, text, SELECTION, "d13e0e41c0139475") == before
    assert cache_key(LLM, field, text, SELECTION, "0c7f2a9b11e4d5a3") != before
    assert cache_key(LLM, field, text, SELECTION) != before
