"""The municipalities: the groups participants belong to and whose weights are compared.

Seeded with Skaraborg's 15 (idempotent), listed in Swedish alphabetical order, and resolved
from whatever a form or a CSV file gives (an id, a digit string or a name).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .db import transaction
from .errors import StoreError

# The 15 municipalities of Skaraborg with APPROXIMATE populations (rounded, about 2023).
# They only matter for optional population-weighted aggregation; update when needed.
MUNICIPALITIES: tuple[tuple[str, int], ...] = (
    ("Essunga", 5_700),
    ("Falköping", 33_900),
    ("Grästorp", 5_700),
    ("Gullspång", 5_300),
    ("Götene", 13_300),
    ("Hjo", 9_200),
    ("Karlsborg", 6_900),
    ("Lidköping", 40_400),
    ("Mariestad", 24_900),
    ("Skara", 18_900),
    ("Skövde", 57_000),
    ("Tibro", 11_400),
    ("Tidaholm", 12_900),
    ("Töreboda", 9_300),
    ("Vara", 16_100),
)

# Swedish alphabetical order without relying on the OS locale: å, ä, ö come after z.
_SV_MAP = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "é": "e", "è": "e",
                         "ü": "y", "á": "a", "à": "a"})


def swedish_sort_key(text: str) -> str:
    """Sort key giving Swedish alphabetical order (a–z, å, ä, ö), case-insensitive."""
    return text.casefold().translate(_SV_MAP)


def ensure_municipalities(db: Database) -> None:
    """Insert the 15 municipalities if missing (idempotent; fills a missing population)."""
    with transaction(db):
        for name, population in MUNICIPALITIES:
            db.execute(
                "INSERT INTO municipalities (name, population) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET population = "
                "COALESCE(municipalities.population, excluded.population)",
                [name, population],
            )


def list_municipalities(db: Database) -> list[dict[str, Any]]:
    """All municipalities as ``{id, name, population}`` in Swedish alphabetical order."""
    rows = [dict(r) for r in db.execute("SELECT id, name, population FROM municipalities")]
    return sorted(rows, key=lambda r: swedish_sort_key(r["name"]))


def get_municipality(db: Database, municipality_id: int) -> dict[str, Any] | None:
    """One municipality as ``{id, name, population}``, or None."""
    row = db.execute(
        "SELECT id, name, population FROM municipalities WHERE id = ?", [municipality_id]
    ).fetchone()
    return dict(row) if row is not None else None


def resolve_municipality_id(
    db: Database, value: Any, field: str = "municipality_id"
) -> int | None:
    """The id of a municipality given as an id (int or digit string), a name
    (case-insensitive) or None/'' (no municipality); anything else is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise StoreError(field, "Välj en kommun i listan.")
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        row = get_municipality(db, int(value))
        if row is None:
            raise StoreError(field, "Välj en kommun i listan.")
        return int(row["id"])
    if isinstance(value, str):
        wanted = value.strip().casefold()
        for m in list_municipalities(db):
            if m["name"].casefold() == wanted:
                return int(m["id"])
        raise StoreError(
            field,
            "Okänd kommun ”%(name)s”. Välj en av Skaraborgs 15 kommuner.",
            name=value.strip(),
        )
    raise StoreError(field, "Välj en kommun i listan.")
