"""Trust signals of a value: its evidence in the text, its confidence, and whether a person
should review it (its field's accept threshold, measured by `evaluate`)."""
