"""The command-line entry point: `python cli.py --help`."""

from src.adapters.cli.app import app

if __name__ == "__main__":
    app()
