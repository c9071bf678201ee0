"""Extraction quality, measured: benchmark rows, type-aware scoring, metrics and the use case
that runs a benchmark through the lookup service for each named LLM."""
