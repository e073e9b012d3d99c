"""Layout helpers for the server-rendered SVG charts (templates/_charts.html).

Pure arithmetic that Jinja does badly: nice axis ticks, end labels pushed apart so they never
overlap, and one distinct colour + marker + dash per series. Registered as template globals
by the results blueprint.
"""

from __future__ import annotations

import math
from typing import Any

#: Okabe & Ito (2008) plus black: distinguishable with the common colour-vision deficiencies
#: (darkened where needed for 3:1 against white)
SERIES_COLOURS = ("#0072B2", "#B35C00", "#007A5A", "#CC3311", "#6A3D9A", "#1a1a1a",
                  "#A6487A", "#4B7A00")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "plus", "triangle-down", "bar")
DASHES = ("", "8 4", "2 4", "12 4 2 4", "4 4", "14 5", "2 3 8 3", "6 2")


def nice_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[dict[str, Any]]:
    """Ticks at round values between ``lo`` and ``hi``; ``digits`` is what their labels need
    (so 0.25 reads "0,25", not "0,2")."""
    span = hi - lo
    if not math.isfinite(span) or span <= 0:
        return [{"value": lo, "digits": 0}]
    raw = span / max(1, max_ticks - 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw - 1e-12)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = first
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    if abs(step / mag - 2.5) < 1e-9:
        digits += 1
    return [{"value": t, "digits": digits} for t in ticks]


def spread_labels(ys: list[float], gap: float, top: float, bottom: float) -> list[float]:
    """Move label positions apart (keeping their order) so that neighbours are at least
    ``gap`` apart and all lie within [top, bottom]; returns them in the input order."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [ys[i] for i in order]
    for i in range(len(placed)):
        lo = top if i == 0 else placed[i - 1] + gap
        placed[i] = max(placed[i], lo)
    for i in range(len(placed) - 1, -1, -1):
        hi = bottom if i == len(placed) - 1 else placed[i + 1] - gap
        placed[i] = min(placed[i], hi)
    for i in range(len(placed)):  # too many to fit: stack from the top, the chart grows
        placed[i] = max(placed[i], top if i == 0 else placed[i - 1] + gap)
    out = [0.0] * len(ys)
    for pos, i in enumerate(order):
        out[i] = round(placed[pos], 1)
    return out


def series_style(i: int) -> dict[str, str]:
    """A colour, a marker and a dash pattern that no other of the first 8 series shares;
    beyond 8 the marker and dash shift so that the combination stays unique."""
    n = len(SERIES_COLOURS)
    return {"colour": SERIES_COLOURS[i % n], "marker": MARKERS[(i + i // n) % len(MARKERS)],
            "dash": DASHES[(i + 2 * (i // n)) % len(DASHES)]}


def rank_colours(m: int) -> list[str]:
    """``m`` colours from dark purple (place 1) to light yellow (last place), sampled from
    viridis: ordered, distinct, and readable with colour-vision deficiencies."""
    stops = [(0x44, 0x01, 0x54), (0x3b, 0x52, 0x8b), (0x21, 0x91, 0x8c), (0x5e, 0xc9, 0x62),
             (0xfd, 0xe7, 0x25)]
    out = []
    for k in range(m):
        t = k / (m - 1) if m > 1 else 0.0
        x = t * (len(stops) - 1)
        j = min(int(x), len(stops) - 2)
        f = x - j
        rgb = [round(a + (b - a) * f) for a, b in zip(stops[j], stops[j + 1], strict=True)]
        out.append("#{:02x}{:02x}{:02x}".format(*rgb))
    return out


def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width in px (system-ui, average Swedish text)."""
    return 0.6 * size * len(str(text))
