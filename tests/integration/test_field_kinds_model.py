"""The real embedded model (Gemma 3 270M, as `make run` wires it) looking up ranges, several
options and several texts on hand-written French and English products: the right typed value,
with its evidence where the text writes it, each item of a list with its own evidence and
confidence. The catalogue holds two labelled examples per field, from other products, as a
provisioned one would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.settings import Settings
from src.bootstrap import Container, bootstrap
from src.domain.model import Example, Field, FieldType, LookupRequest, OutcomeStatus

pytestmark = pytest.mark.model

VOLTAGE = Field("EF009001", "Tension d'entrée", FieldType.RANGE, unit="V")
TEMPERATURE = Field("EF009003", "Température de fonctionnement", FieldType.RANGE, unit="°C")
CERTIFICATIONS = Field(
    "EF009002",
    "Certifications",
    FieldType.SELECT,
    ("CE", "RoHS", "UL", "TÜV", "FCC"),
    multiple=True,
)
MATERIALS = Field("EF009004", "Matériaux", FieldType.TEXT, multiple=True)
CHARGER = "Chargeur USB-C 30 W, entrée 110-230 V, 50/60 Hz, certifié CE."
ADAPTER = "Adaptateur secteur 12 V 2 A, input 90 – 264 V AC, UL listed, TÜV."
SENSOR = "Capteur extérieur, fonctionne de -30 à +60 °C, boîtier ABS."
THERMOSTAT = "Thermostat, operating temperature 5…35 °C."
STOOL = "Tabouret de bar, assise en chêne massif, piètement en acier, patins en feutre."
EXAMPLES = [
    Example(VOLTAGE.code, CHARGER, {"min": 110, "max": 230}),
    Example(VOLTAGE.code, ADAPTER, {"min": 90, "max": 264}),
    Example(CERTIFICATIONS.code, CHARGER, ["CE"]),
    Example(CERTIFICATIONS.code, ADAPTER, ["UL", "TÜV"]),
    Example(TEMPERATURE.code, SENSOR, {"min": -30, "max": 60}),
    Example(TEMPERATURE.code, THERMOSTAT, {"min": 5, "max": 35}),
    Example(MATERIALS.code, SENSOR, ["ABS"]),
    Example(MATERIALS.code, STOOL, ["chêne", "acier", "feutre"]),
]
FRENCH = (
    "Bloc d'alimentation universel 65 W pour ordinateur portable. Tension d'entrée 100-240 V~, "
    "50/60 Hz, sortie 19 V 3,42 A. Certifié CE et RoHS. Température de fonctionnement de 0 à "
    "+40 °C."
)
ENGLISH = (
    "Universal laptop power adapter, 90 W. Input voltage: 100 – 240 V AC. Operating temperature "
    "from −20 to +40 °C. Certifications: UL, FCC, CE. Housing made of polycarbonate."
)
CODES = (VOLTAGE.code, TEMPERATURE.code, CERTIFICATIONS.code)


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    database = tmp_path_factory.mktemp("kinds-model") / "lookup.db"
    environ = {
        "CONFIG_MODULE": "config.example",
        "DATABASE_URL": f"sqlite:///{database}",
        "LLM_QUERY_TIMEOUT": "300",
        "LOOKUP_CACHE": "off",
    }
    built = bootstrap(Settings.from_env(environ))
    built.migrate()
    built.provisioning.provision([VOLTAGE, CERTIFICATIONS, TEMPERATURE, MATERIALS], EXAMPLES)
    yield built
    built.close()


def looked_up(container: Container, description: str) -> dict[str, tuple[object, list[str]]]:
    result = container.lookup.lookup(LookupRequest(description, CODES))
    assert all(o.status is OutcomeStatus.OK for o in result.outcomes), result.outcomes
    return {
        o.field_code: (o.value, [span.text for span in o.evidence.spans] if o.evidence else [])
        for o in result.outcomes
    }


def test_a_french_power_supply_gives_its_ranges_with_the_range_as_written(
    container: Container,
) -> None:
    found = looked_up(container, FRENCH)

    assert found[VOLTAGE.code] == ({"min": 100, "max": 240}, ["100-240 V"])
    assert found[TEMPERATURE.code] == ({"min": 0, "max": 40}, ["de 0 à +40 °C"])
    certifications, evidence = found[CERTIFICATIONS.code]
    assert isinstance(certifications, list) and certifications
    assert set(certifications) <= {"CE", "RoHS"}
    assert evidence == certifications  # each option where the text names it


def test_an_english_power_supply_gives_its_ranges_and_certifications(
    container: Container,
) -> None:
    found = looked_up(container, ENGLISH)

    assert found[VOLTAGE.code] == ({"min": 100, "max": 240}, ["100 – 240 V"])
    assert found[TEMPERATURE.code] == ({"min": -20, "max": 40}, ["from −20 to +40 °C"])
    certifications, evidence = found[CERTIFICATIONS.code]
    # Held to the options the text names, the 270M model answers some of them, never another.
    assert isinstance(certifications, list) and len(certifications) >= 2
    assert set(certifications) <= {"UL", "FCC", "CE"} and set(evidence) == set(certifications)


def test_several_materials_come_back_as_spans_of_the_text_each_with_its_trust(
    container: Container,
) -> None:
    chair = "Chaise de jardin, structure en aluminium, assise en teck et coussin en polyester."

    [outcome] = container.lookup.lookup(LookupRequest(chair, (MATERIALS.code,))).outcomes

    assert outcome.status is OutcomeStatus.OK, outcome
    materials = outcome.value
    assert isinstance(materials, list) and materials
    # held to the text: every item is a span of it, none a shot's ("chêne", "acier", "ABS"),
    # and the model this small names some of the materials the text writes (not all)
    assert all(item in chair for item in materials), materials
    assert "aluminium" in materials and set(materials) <= {"aluminium", "teck", "polyester"}
    assert outcome.items is not None
    assert [item.value for item in outcome.items] == materials
    for item in outcome.items:
        assert item.evidence is not None and item.evidence.verbatim
        assert [span.text for span in item.evidence.spans] == [item.value]
        assert item.confidence is not None and 0 <= item.confidence <= 1
    assert outcome.confidence == min(item.confidence or 0 for item in outcome.items)
