"""The command-line entry point: `python cli.py --help`."""

from src.adapters.driving.cli.app import app

if __name__ == "__main__":
    app()
