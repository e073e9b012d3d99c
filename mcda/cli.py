"""Flask CLI commands (``flask --app wsgi …``). Filled in by the foundation work."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the CLI commands on ``app``."""
