"""The dimension rule of the pre-pass: a text field the catalogue fills with one of a product's
sizes answers the size its text writes at the field's place (a marker, or a position in an
`A x B` group), where that measured itself reliable."""

from __future__ import annotations

from src.domain.model import Example, Field, FieldType, OutcomeSource
from src.domain.prompting.prepass.dimension_values import dimension_values
from tests.support.conversation_lookup import over_a_null

WIDTH = "PAVE-Office_Products_Width"
DEPTH = "PAVE-Home_And_Garden_Depth"

PADS = [
    Example(WIDTH, "Legal Pad, 8 1/2 x 14, Canary, 50 Sheets", "8 1/2"),
    Example(WIDTH, "Sticky Notes 3 x 3, Yellow, 12/Pack", "3"),
    Example(WIDTH, "Index Cards, 4 x 6, Ruled, 100/Pack", "4"),
    Example(WIDTH, "Mailer #4, 9-1/2 x 14-1/2, Kraft, 25/Carton", "9-1/2"),
    Example(WIDTH, 'Memo Book 5" x 8", Wirebound', '5"'),
    Example(WIDTH, "Storage Box 15 x 10 x 24, White", "15"),
    Example(WIDTH, "Desk Tray, Black", None),
]

SHELVES = [
    Example(DEPTH, 'Wire Shelf 48"W x 14"D, chrome', '14"'),
    Example(DEPTH, "Organizer Hutch, 70 5/8w x 11 3/4d 23 5/8h, Cherry", "11 3/4"),
    Example(DEPTH, 'Work Table 60"W x 30"D, stainless', '30"'),
    Example(DEPTH, 'Shelving Unit, 36" wide x 18" deep, 6 shelves', '18"'),
    Example(DEPTH, "Pocket 13w x 4d 7h, Smoke", "4"),
    Example(DEPTH, "Bookcase, Walnut Finish", None),
]


def test_the_size_at_the_fields_marker_is_answered_as_written() -> None:
    rule = dimension_values(SHELVES)

    assert rule.measured.contends and not rule.measured.trusted
    assert rule.answer('Cabinet 36"W x 24"D x 72"H, grey') == '24"'
    assert rule.answer("Hutch 47 1/4w x 15 3/8d 36h") == "15 3/8"
    assert rule.answer('Sink 20" deep, 16 gauge') == '20"'
    assert rule.answer("Glossy photo paper 4Inx6In 50 Sheet") is None  # no marker: no depth
    assert rule.measured.confidence == (5 + 1) / (5 + 2)


def test_the_size_at_the_fields_position_in_a_group_is_answered() -> None:
    rule = dimension_values(PADS)

    assert rule.measured.contends
    assert rule.answer("Steno Book, 6 x 9, Gregg Ruled") == "6"
    assert rule.answer("Envelopes 10x13, 100/Box") == "10"
    assert rule.answer('Clipboard 9" x 12-1/2", Brown') == '9"'
    assert rule.answer("Glossy photo paper 4Inx6In 50 Sheet") == "4In"


def test_a_size_at_the_fields_marker_comes_before_its_position_in_a_group() -> None:
    both = [
        *PADS,
        Example(WIDTH, "Pocket 13w x 4d 7h, Smoke", "13"),
        Example(WIDTH, "Tray 10w x 14d, Black", "10"),
    ]
    rule = dimension_values(both)

    assert rule.measured.contends
    assert rule.answer("File Pocket 9w x 3d 12h, Clear") == "9"
    assert rule.answer("Sorter 20 x 12, 8 pockets") == "20"
    assert rule.answer("Sorter 12 x 30 tall") == "12"  # another dimension's marker only
    assert rule.answer("Pocket 9w, in a box 20 x 12") == "9"


def test_tall_marks_a_height() -> None:
    heights = [
        Example("Height", f"Cabinet {w}w x {d}d x {h}h, grey", str(h))
        for w, d, h in [(36, 18, 72), (30, 24, 60), (48, 18, 84), (24, 12, 30), (36, 24, 42)]
    ]

    assert dimension_values(heights).answer('Bookcase 36" wide, 72" tall') == '72"'


def test_two_sizes_at_the_place_or_none_are_left_to_the_model() -> None:
    shelves = dimension_values(SHELVES)
    pads = dimension_values(PADS)

    assert shelves.answer('Shelf 48"W x 14"D and 48"W x 18"D, two kits') is None
    assert shelves.answer("Bookcase, 5 shelves, Oak") is None
    assert pads.answer("Sticky notes, 100 sheets, 12/Pack") is None


def test_a_field_whose_values_are_not_sizes_has_no_place() -> None:
    colours = [
        Example("PAVE-Color", f"Chair {size} x 30, {colour}", colour)
        for size, colour in [(10, "black"), (12, "grey"), (14, "blue"), (16, "red"), (10, "10")]
    ]

    rule = dimension_values(colours)

    assert not rule.places
    assert rule.answer("Chair 20 x 30, black") is None


def test_a_lone_size_neither_marked_nor_in_a_group_has_no_place() -> None:
    rulers = [Example(WIDTH, f"Ruler {size}, wood", str(size)) for size in (12, 15, 18, 24, 30)]

    assert not dimension_values(rulers).places


def test_an_examples_own_place_does_not_count_when_it_is_measured() -> None:
    unplaced = [
        Example(DEPTH, f"Shelf, depth {depth}, steel", str(depth)) for depth in (14, 12, 18, 24)
    ]
    lone = Example(DEPTH, "Wall cabinet 24w x 12d", "12")

    rule = dimension_values([*unplaced, lone])

    assert rule.places == {"d": 1}
    assert rule.measured.answered == 0  # only the lone example's own label supports "d"


def test_a_place_often_wrong_on_the_fields_examples_does_not_answer() -> None:
    misleading = [
        Example(WIDTH, "Pad 8 1/2 x 11", "8 1/2"),
        Example(WIDTH, "Cards 4 x 6", "4"),
        Example(WIDTH, "Notes 3 x 5", "3"),
        Example(WIDTH, "Labels 1 x 2 5/8", "2 5/8"),
        Example(WIDTH, "Folder 9 x 12", "12"),
        Example(WIDTH, "Mailer 6 x 9", "9"),
        Example(WIDTH, "Tabs 2 x 3", "3"),
    ]

    rule = dimension_values(misleading)

    assert rule.measured.answered == 7 and not rule.measured.contends
    assert rule.answer("Pad 5 x 8") is None


def test_a_lookup_whose_model_answers_null_gets_the_size_at_the_fields_place() -> None:
    depth = Field(DEPTH, "Depth", FieldType.TEXT)

    outcome = over_a_null(depth, SHELVES, 'Ice bin, 30"W x 34-1/2"D, steel')

    assert (outcome.value, outcome.source) == ('34-1/2"', OutcomeSource.PREPASS)
    assert outcome.confidence == dimension_values(SHELVES).measured.confidence
