"""The composition root: `bootstrap()` builds a `Container` of wired use cases."""

from src.bootstrap.container import Container, Overrides, bootstrap

__all__ = ["Container", "Overrides", "bootstrap"]
