"""The probability a backend gave each token of its answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TokenProbability:
    """One generated token: its text, and the probability the model gave it where it was chosen
    (under the answer grammar, when the backend applies one)."""

    text: str
    probability: float
