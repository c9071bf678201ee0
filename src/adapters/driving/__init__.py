"""The driving adapters: the edges people and programs call (HTTP, CLI)."""
