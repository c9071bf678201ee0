"""How a pre-pass rule read from a field's labelled values earns the right to answer: measured
on the field's own examples, it answered enough of them and was right often enough."""

from __future__ import annotations

from dataclasses import dataclass

MIN_MEASURED = 5
"""A field's rule answers only once it answered at least this many of its own examples."""
MIN_PRECISION = 0.9
"""…and was right on them this often (smoothed: (right + 1) / (answered + 2))."""


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

    def counted(self, was_right: bool) -> Measured:
        """This measure with one more example answered."""
        return Measured(self.right + was_right, self.answered + 1)
