"""The known-value rule of the pre-pass: a text field's labelled values found in a product text,
answered only where the rule measured itself right on the field's own examples."""

from __future__ import annotations

from src.domain.model import Example
from src.domain.prompting.prepass.known_values import known_values
from src.domain.prompting.prepass.measured import MIN_MEASURED

BRAND = "AE-Lure-Brand_Name"


def brand_examples(*labelled: tuple[str, str | None]) -> list[Example]:
    return [Example(BRAND, context, value) for context, value in labelled]


# Every brand comes back in two or more titles, so leaving one title out still knows its brand.
RELIABLE = brand_examples(
    ("SEAPESCA Minnow Fishing Lure 150mm 9g", "SEAPESCA"),
    ("Seapesca Popper Lure 80mm", "SEAPESCA"),
    ("Lurefans Crank Bait 60mm 7g", "Lurefans"),
    ("LUREFANS Soft Worm 12cm", "Lurefans"),
    ("Mepps Aglia Spinner Lure 5g", "Mepps"),
    ("Spinner by MEPPS, 3g", "Mepps"),
    ("Rapala Original Floater 9cm", "Rapala"),
    ("RAPALA Shad Rap 7cm", "Rapala"),
)


def test_a_known_value_is_answered_as_the_text_writes_it() -> None:
    rule = known_values(RELIABLE)

    assert rule.measured.trusted
    assert rule.answer("New rapala X-Rap Lure 10cm 13g") == "rapala"


def test_a_text_giving_two_known_values_is_left_to_the_model() -> None:
    rule = known_values(RELIABLE)

    assert rule.answer("Rapala lure in a Mepps box") is None
    assert rule.answer("Hard lure 10cm, no brand") is None


def test_a_plural_finds_its_singular_answered_as_the_catalogue_labels_it() -> None:
    fabrics = [Example("F", f"Basketball Jersey {n} stitched", "Jersey") for n in range(4)] + [
        Example("F", f"Running Shorts {n}, polyester", "Polyester") for n in range(4)
    ]
    rule = known_values(fabrics)

    assert rule.answer("Retro Basketball Jerseys #23 Sewn") == "Jersey"
    assert rule.answer("Retro basketball jersey #23") == "jersey"
    assert rule.answer("Gym shorts in POLYESTERS") == "Polyester"
    assert rule.answer("Jerseyman cotton tee") is None


def test_a_known_value_is_not_the_end_of_a_decimal_number() -> None:
    lengths = [Example("L", f"Soft Lure {n} 5cm 0.7g", "5cm") for n in range(4)] + [
        Example("L", f"Minnow {n} 9cm 7g", "9cm") for n in range(4)
    ]
    rule = known_values(lengths)

    assert rule.answer("Hard Bait 6.5cm 10g") is None
    assert rule.answer("Jig 16,5cm, lead head") is None
    assert rule.answer("Jig 5cm, lead head") == "5cm"


def test_of_several_known_values_the_one_labelled_most_often_is_answered() -> None:
    """Titles naming men and women: this catalogue labels them "Men" far more often."""
    genders = (
        [Example("G", f"Baseball Cap {n} for Men Women", "Men") for n in range(5)]
        + [Example("G", f"Mens Running Tee {n}", "Men") for n in range(3)]
        + [Example("G", f"Women Yoga Pants {n}", "Women") for n in range(3)]
    )
    rule = known_values(genders)

    assert rule.measured.trusted
    assert rule.answer("Snapback Hat Mens Womens Hip Hop") == "Men"
    assert rule.answer("Womens Yoga Shorts") == "Women"


def test_a_value_inside_a_longer_known_value_does_not_count() -> None:
    materials = [Example("M", f"Knife {n} with a steel blade", "Steel") for n in range(4)] + [
        Example("M", f"Pot {n}, stainless steel", "Stainless Steel") for n in range(4)
    ]
    rule = known_values(materials)

    assert rule.answer("Kitchen pot in stainless steel, 2 l") == "stainless steel"
    assert rule.answer("Kitchen pot in Stainless  Steel, 2 l") == "Stainless  Steel"
    assert rule.answer("Cutter, STEEL blade") == "STEEL"


def test_matching_ignores_accents_and_case_and_keeps_offsets_of_the_text() -> None:
    rule = known_values(
        [Example("F", f"Applique {n} corps en métal", "Métal") for n in range(4)]
        + [Example("F", f"Suspension {n} en bois", "bois") for n in range(4)]
    )

    assert rule.answer("Plafonnier 🌟 design, structure en METAL noir") == "METAL"
    assert rule.answer("Lampe à poser, pied en Bois massif") == "Bois"
    assert rule.answer("Lampe en bois et métal") is None


def test_a_field_whose_values_do_not_repeat_never_answers() -> None:
    """Model numbers are each unique: left out in turn, no title finds its own."""
    models = brand_examples(*[(f"Lure model YA{n}4 150mm", f"YA{n}4") for n in range(10)])
    rule = known_values(models)

    assert rule.measured.answered == 0
    assert not rule.measured.trusted
    assert rule.answer("Lure model YA14 150mm") is None


def test_a_rule_wrong_on_its_own_examples_is_not_trusted() -> None:
    """'Men' stands in every title, but half the labels say 'Unisex': measured, then refused."""
    genders = [Example("G", f"Men Women Running Shoes {n}", "Unisex") for n in range(6)] + [
        Example("G", f"Men Running Shoes {n}", "Men") for n in range(6)
    ]
    rule = known_values(genders)

    assert rule.measured.answered >= MIN_MEASURED
    assert rule.measured.right < rule.measured.answered
    assert not rule.measured.trusted
    assert rule.answer("Men Trail Shoes") is None


def test_confidence_is_the_precision_measured_leaving_each_example_out() -> None:
    # One title labelled null gives a brand: the measurement counts it wrong.
    rule = known_values([*RELIABLE, *brand_examples(("Rapala-style lure, unbranded", None))])

    assert (rule.measured.right, rule.measured.answered) == (8, 9)
    assert rule.measured.confidence == (8 + 1) / (9 + 2)


def test_a_products_own_label_can_be_left_out() -> None:
    """`evaluate --exclude-own-examples`: a title whose brand only its own label knows."""
    rule = known_values([*RELIABLE, *brand_examples(("Daiwa Steez minnow 11cm", "Daiwa"))])

    assert rule.answer("Daiwa Steez minnow 11cm") == "Daiwa"
    assert rule.answer("Daiwa Steez minnow 11cm", exclude_context="Daiwa Steez minnow 11cm") is None


def test_values_as_long_as_a_sentence_are_not_looked_for() -> None:
    long_value = "made of recycled ocean plastic and natural rubber blend"
    rule = known_values([Example("F", f"Shoe {n} {long_value}", long_value) for n in range(6)])

    assert rule.answer(f"Sandal {long_value}") is None
