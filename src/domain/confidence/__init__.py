"""Confidence: how likely a value is right, from the model's own token probabilities under the
answer grammar (`answer.py`), or from a rule's measured precision (`prepass.py`)."""
