"""What the methods are called and which way their scores point."""

from __future__ import annotations

HIGHER_IS_BETTER: dict[str, bool] = {
    "topsis": True,
    "vikor": False,
    "promethee_ii": True,
    "wsm": True,
    "wpm": True,
    "spotis": False,
    "copras": True,
}


RANK_RTOL = 1e-9
"""Scores closer than RANK_RTOL × max|score| to their neighbour share a rank."""

METHOD_DESCRIPTIONS: dict[str, str] = {
    "topsis": "TOPSIS (Hwang & Yoon 1981), pymcdm; closeness coefficient, higher is better",
    "vikor": "VIKOR (Opricovic & Tzeng 2004), pymcdm; Q index, lower is better",
    "promethee_ii": "PROMETHEE II (Brans & Vincke 1985), pymcdm; net flow, higher is better",
    "wsm": "Weighted sum model, pymcdm; higher is better",
    "wpm": "Weighted product model, pymcdm; higher is better",
    "spotis": "SPOTIS (Dezert et al. 2020), pymcdm, bounds = min/max per criterion of the "
    "score matrix; distance to the ideal point, lower is better",
    "copras": "COPRAS, textbook formula (Zavadskas, Kaklauskas & Šarka 1994), Vägval's own "
    "implementation (pymcdm 1.4.0's rewards cost criteria); utility degree, higher is better",
}


# --------------------------------------------------------------------------- validation
