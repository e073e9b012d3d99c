"""Persistence: SQLite via sqlite-utils. Imports core, never web."""

from .db import StorageFullError, backup, connect, transaction
from .migrations import migrate

__all__ = ["StorageFullError", "backup", "connect", "migrate", "transaction"]
