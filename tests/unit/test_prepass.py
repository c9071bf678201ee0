"""The deterministic pre-pass: what it reads in a text, and what it leaves to the model."""

from __future__ import annotations

import pytest

from src.domain.model import Field, FieldType
from src.domain.prompting.prepass import TextRulesPrepass

PREPASS = TextRulesPrepass()
SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14", "B15d", "GU10"))
ENERGY = Field(
    "EF003658",
    "classe d'efficacité énergétique",
    FieldType.SELECT,
    options=("A+++", "A++", "A+", "A", "B"),
)
COLOUR = Field(
    "EF000007",
    "couleur",
    FieldType.SELECT,
    options=("blanc", "gris", "anthracite", "chromé", "autre"),
)
HEIGHT_MM = Field("EF000040", "hauteur (mm)", FieldType.NUMBER, unit="mm")
HEIGHT_CM = Field("EF000040", "hauteur (cm)", FieldType.NUMBER, unit="cm")
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
PRESSURE = Field("EF020449", "pression de travail max. (bar)", FieldType.NUMBER, unit="bar")
RAL = Field("EF000116", "Numero RAL", FieldType.NUMBER)
CAPACITY = Field("EF000151", "capacité (l)", FieldType.NUMBER, unit="l")
DURATION = Field("EF000062", "durée de vie nominale", FieldType.NUMBER, unit="h")
DIMMABLE = Field("EF000137", "à intensité variable", FieldType.BOOLEAN)


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        (SOCKET, "Lampe LED standard E27 8W", "E27"),
        (ENERGY, "DD FOUR COMBISTE. PYRO A+ INOX", "A+"),
        (ENERGY, "Sèche-linge classe énergie A++ 258 kWh", "A++"),  # not A+ inside A++
        (COLOUR, "Radiateur horizontal Blanc RAL 9016", "blanc"),
        (COLOUR, "Robinet finition Chrome", "chromé"),
        (HEIGHT_MM, "Radiateur hauteur : 1248 mm, largeur 550 mm", 1248),
        (HEIGHT_MM, "Sèche-serviettes H 1120 mm x L 500 mm", 1120),
        (PRESSURE, "Pression de service : 4 bars", 4),
        (PRESSURE, "la pression de service de 10 bar accordée", 10),
        (RAL, "Blanc RAL9016, 601W", 9016),
        (POWER, "Lampe incandescente 12V 40W E27", 40),
        (POWER, "Radiateur 1000W, soufflant 1000 W", 1000),
        (POWER, "Reg 22S 400 2700 RAL9016, puissance   3493,8 W", 3493.8),
        (CAPACITY, "Chauffe-eau capacité 200 L vertical", 200),
        (DURATION, "Durée de vie 25 000 h", 25000),
        (DURATION, "Durée de vie 2000 h, assistance 24 h/24", 2000),  # by its words
    ],
)
def test_reads_what_the_text_states_unambiguously(field: Field, text: str, value: object) -> None:
    assert PREPASS.answer(field, text) == value


@pytest.mark.parametrize(
    ("field", "text"),
    [
        (SOCKET, "Lampes tubulaires, culot E14, B15d et B22 selon modèle"),  # two options
        (COLOUR, "Panneau rayonnant gris anthracite"),  # two options
        (COLOUR, "Ampoule LED 806 lm blanc chaud"),  # the light's colour, not the product's
        (COLOUR, "Coloris au choix : autre"),  # generic options never count
        (HEIGHT_CM, "Radiateur hauteur 1248 mm"),  # another unit: never converted
        (HEIGHT_MM, "Radiateur 600 x 1000 mm"),  # a dimension string
        (POWER, "Ampoule LED 8,5W équivalent 60W"),  # two powers
        (POWER, "Plafonnier LED 2400 lm"),  # no watts at all
        (
            CAPACITY,
            "Réfrigérateur 271L (198/73)",
        ),  # volumes: several per product, unit alone is not enough
        (DURATION, "Autonomie 2000 h, assistance 24 h/24"),  # two durations, no words
        (DIMMABLE, "Ampoule gradable"),  # booleans are left to the model
    ],
)
def test_leaves_doubtful_cases_to_the_model(field: Field, text: str) -> None:
    assert PREPASS.answer(field, text) is None
