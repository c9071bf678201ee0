"""A value's confidence when two readers of the same text, the model and a measured rule, both
answered: each is right as often as its confidence says, and each errs on its own.

Where they read the same value, it is wrong only when both are: 1 − (1 − a)(1 − b). Where they
read different values, at most one is right; of the three cases left (the first right, the
second right, both wrong), the first's share is a(1 − b) / (1 − ab). The surer reader's value is
then still the answer (its share is the larger), but it is less sure than it was alone.
"""

from __future__ import annotations


def agreeing(first: float, second: float) -> float:
    """The confidence of a value both readers read, at `first` and `second`."""
    return 1 - (1 - first) * (1 - second)


def against(first: float, second: float) -> float:
    """The confidence of the value read at `first` where the other reader, at `second`, read
    another value (0 for a reader that read none)."""
    not_both_right = 1 - first * second
    if not_both_right <= 0:  # both certain and different: neither is to be believed
        return 0.0
    return first * (1 - second) / not_both_right
