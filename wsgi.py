"""WSGI entry point: ``waitress-serve wsgi:app`` or ``flask --app wsgi …``."""

from mcda.web import create_app

app = create_app()
