"""Prometheus metrics of the lookups."""
