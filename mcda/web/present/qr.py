"""QR codes of join URLs as inline SVG (segno), for the facilitator's round page and the
projector."""

from __future__ import annotations

import math
import re

import segno
from markupsafe import Markup, escape


def qr_svg(url: str, label: str) -> Markup:
    """The join URL as an inline SVG QR code, sized for a projector (≥ 300 px).

    segno emits presentation attributes only (no ``style=``), which the CSP allows.
    """
    qr = segno.make(url, error="m")
    modules = qr.symbol_size(scale=1)[0]
    scale = max(8, math.ceil(360 / modules))
    svg = qr.svg_inline(scale=scale, title=label, svgclass="qr-code", lineclass="qr-line")
    svg = re.sub(r"\sstyle=\"[^\"]*\"", "", svg)
    size = modules * scale
    # segno XML-escapes the title; the label is escaped here; the rest is numbers.
    return Markup(  # noqa: S704
        svg.replace(
            "<svg ",
            f'<svg role="img" aria-label="{escape(label)}" viewBox="0 0 {size} {size}" ',
            1,
        )
    )
