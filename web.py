"""The HTTP entry point: `uvicorn --factory web:create_app` (see `make run`)."""

from src.adapters.http.app import create_app

__all__ = ["create_app"]
