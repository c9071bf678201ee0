"""One lookup by the embedded model's layout (a conversation with a pre-pass) over a catalogue of
labelled examples, the model played by a FakeConnector."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Example, Field, FieldOutcome, LookupRequest, LookupResult
from src.domain.prompting.families import GemmaFormat
from src.domain.prompting.prepass import TextRulesPrepass
from src.domain.prompting.shared_prefix.conversation import ConversationChainOfThought
from tests.support.fakes import FakeConnector, FakeExampleRepository, FakeFieldRepository, Script


def conversation_lookup(
    connector: FakeConnector,
    fields: Sequence[Field],
    examples: Sequence[Example],
    description: str,
) -> LookupResult:
    """`fields` of `description` looked up with one shot product, text held to spans."""
    llm = ConfiguredLLM(
        "local",
        GemmaFormat(),
        ConversationChainOfThought(k=1, text_spans=True),
        connector,
        prepass=TextRulesPrepass(),
    )
    store = FakeExampleRepository(examples)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return FieldLookupService(
            LLMRegistry({"local": lambda: llm}, "local"),
            Catalogue(FakeFieldRepository(fields), store, labelled=store),
            pool,
            5.0,
        ).lookup(LookupRequest(description, tuple(field.code for field in fields)))


def over_a_null(field: Field, examples: Sequence[Example], description: str) -> FieldOutcome:
    """The outcome of `field` for `description` when the model answers null: what the field's
    rules, measured on `examples`, make of it."""
    model = FakeConnector(default=Script(answer='{"value": null}'))
    [outcome] = conversation_lookup(model, [field], examples, description).outcomes
    return outcome
