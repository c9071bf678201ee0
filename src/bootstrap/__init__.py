"""The composition root: `bootstrap()` builds a `Container` of wired use cases."""

from src.bootstrap.container import Container, bootstrap
from src.bootstrap.overrides import Overrides

__all__ = ["Container", "Overrides", "bootstrap"]
