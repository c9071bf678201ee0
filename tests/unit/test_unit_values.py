"""The unit rule of the pre-pass: a text field the catalogue fills with quantities in one unit
answers the one quantity in that unit a text writes, where that measured itself reliable."""

from __future__ import annotations

from src.domain.model import Example
from src.domain.prompting.prepass.unit_values import unit_values

WEIGHT = "AE-Lure_Weight"

LURES = [
    Example(WEIGHT, "Minnow Fishing Lure 150mm 9g Hard Bait", "9g"),
    Example(WEIGHT, "Soft Baits 70mm 6pcs 3g Shrimp", "3g"),
    Example(WEIGHT, "SEAPESCA Minnow 30mm 1.6g Topwater", "1.6g"),
    Example(WEIGHT, "Luminous Soft Minnow 10cm 12.5g", "12.5g"),
    Example(WEIGHT, "KastKing Lure 24g 90mm Crankbait", "24g"),
    Example(WEIGHT, "Mini Fish Soft Lures 50mm/1g", "1g"),
    Example(WEIGHT, "Metal Spoon 20 g Spinner", "20 g"),
    Example(WEIGHT, "Crankbait 40mm 3,5g Trout", "3.5g"),
]


def test_the_one_quantity_in_the_fields_unit_is_answered_as_written() -> None:
    rule = unit_values(LURES)

    assert rule.unit == "g" and rule.measured.trusted
    assert rule.answer("Jerkbait 110mm 15.8g Depth 0-3m") == "15.8g"
    assert rule.answer("VIB Hard Bait 6.5cm/10.53g 3D Eyes") == "10.53g"
    assert rule.answer("Popper 7 G, floating") == "7 G"
    assert rule.measured.confidence == (8 + 1) / (8 + 2)


def test_two_quantities_or_none_are_left_to_the_model() -> None:
    rule = unit_values(LURES)

    assert rule.answer("Poppers 110mm 12.6g,125mm 17.8g") is None
    assert rule.answer("Spinner 5SIZE #1-#5, 20kg line") is None  # kg is another unit
    assert rule.answer("Soft worm, 8pcs/bag") is None


def test_a_field_whose_values_are_not_quantities_has_no_unit() -> None:
    brands = [Example("B", f"Lure {n} 9g by Rapala", "Rapala") for n in range(6)]

    assert unit_values(brands).unit is None
    assert unit_values(brands).answer("Lure 9g") is None


def test_a_field_of_mixed_units_or_few_values_has_no_rule() -> None:
    mixed = [Example("L", f"Lure {n}", value) for n, value in enumerate(["5cm", "80mm", "9cm"] * 2)]
    few = LURES[:6]

    assert unit_values(mixed).unit is None
    assert not unit_values(few).measured.trusted


def test_a_rule_wrong_on_its_own_examples_is_not_trusted() -> None:
    """Titles giving a line's strength in g beside the lure's weight: the rule never finds one
    weight alone in its own examples, so it never earns the right to answer."""
    misleading = [
        Example(WEIGHT, f"Lure {n} with {n + 100}g line, weight 9g", "9g") for n in range(6)
    ]
    rule = unit_values(misleading)

    assert rule.unit == "g" and rule.measured.answered == 0
    assert not rule.measured.trusted
