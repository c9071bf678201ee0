"""Policies around the lookup cache port: how answers reach the shared cache."""
