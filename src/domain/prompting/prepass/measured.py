"""How a pre-pass rule read from a field's labelled values earns the right to answer: measured
on the field's own examples, it answered enough of them and was right often enough. Right very
often, it answers ahead of the model (*trusted*); right at least twice as often as not, it
*contends* with the model: it answers where the model answered null, or a value the model was
less sure of than the rule was right on its examples. A value right that often raises the F1 a
null leaves where it is; the model's null, itself some evidence against a value, is why the bar
is above even odds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from src.domain.model import Example

MIN_MEASURED = 5
"""A field's rule answers only once it answered at least this many of its own examples."""
MIN_PRECISION = 0.9
"""…and was right on them this often (smoothed: (right + 1) / (answered + 2))."""
MIN_CONTENDING_PRECISION = 2 / 3
"""A rule measured on enough examples and right this often (smoothed) contends with the model."""


def smoothed_precision(right: int, answered: int) -> float:
    """The rule's measured precision on the field's examples, smoothed (Laplace): its
    confidence."""
    return (right + 1) / (answered + 2)


def trusted(right: int, answered: int) -> bool:
    """Whether a rule so measured answers for its field at all."""
    return answered >= MIN_MEASURED and smoothed_precision(right, answered) >= MIN_PRECISION


@dataclass(frozen=True, slots=True)
class Measured:
    """How many of the field's own examples a rule answered, and how many of them rightly."""

    right: int = 0
    answered: int = 0

    @property
    def confidence(self) -> float:
        return smoothed_precision(self.right, self.answered)

    @property
    def trusted(self) -> bool:
        return trusted(self.right, self.answered)

    @property
    def contends(self) -> bool:
        """Whether the rule contends with the model's answers (every trusted rule would)."""
        return (
            self.answered >= MIN_MEASURED
            and smoothed_precision(self.right, self.answered) >= MIN_CONTENDING_PRECISION
        )

    def counted(self, was_right: bool) -> Measured:
        """This measure with one more example answered."""
        return Measured(self.right + was_right, self.answered + 1)


def measured_on(
    examples: Sequence[Example],
    read: Callable[[str], str | None],
    same: Callable[[str, str], bool],
) -> Measured:
    """How a rule answered `examples`: `read` gives what it reads in an example's text (its own
    label left out where the rule learnt from it), `same` whether that is the example's label."""
    measured = Measured()
    for example in examples:
        found = read(example.context)
        if found is not None:
            right = isinstance(example.value, str) and same(found, example.value)
            measured = measured.counted(right)
    return measured
