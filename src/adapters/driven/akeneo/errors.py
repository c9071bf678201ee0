"""What goes wrong talking to Akeneo, as the service's errors."""

from __future__ import annotations

from src.domain.errors import ConfigurationError, FieldLookupError


class AkeneoError(FieldLookupError):
    """Akeneo refused a request or could not be reached, after the retries."""


class AkeneoAuthenticationError(AkeneoError, ConfigurationError):
    """Akeneo refused the credentials (client id/secret, username/password)."""
