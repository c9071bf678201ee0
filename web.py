"""The HTTP entry points: `uvicorn --factory web:create_app` (see `make run`), and `app` for a
serverless platform (vercel.json), which builds the service on its first request."""

from src.adapters.driving.http.app import create_app
from src.adapters.driving.http.serverless import LazyApp

app = LazyApp()

__all__ = ["app", "create_app"]
