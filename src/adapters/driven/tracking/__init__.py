"""Experiment tracking of evaluations (MLflow)."""
