"""The catalogue: the known fields and their labelled examples, and their provisioning."""
