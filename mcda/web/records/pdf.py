"""HTML → PDF/A on the server with WeasyPrint (PDF/A-2b: fonts embedded, XMP ``pdfaid``).

WeasyPrint is imported lazily, so the app starts on a machine without its system libraries
(Pango); only building a PDF then fails, with a message that says what is missing.
Stylesheets and images come from the app's own ``static/`` folder through
:class:`LocalFetcher`; nothing is fetched over the network.
"""

from __future__ import annotations

import gc
import logging
import mimetypes
import re
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

PDF_VARIANT = "pdf/a-2b"
"""PDF/A-2 level B: accepted by Riksarkivet for long-term preservation (FGS), fonts embedded."""

BASE_URL = "https://vagval.invalid/"
"""The base URL the rendered HTML is read against; only ``/static/`` under it is served."""


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (Pango) are missing on this machine."""


def _weasyprint():  # noqa: ANN202 - the module, typed by WeasyPrint
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def local_fetcher(static_dir: Path, extra: dict[str, tuple[bytes, str]] | None = None):  # noqa: ANN201
    """A WeasyPrint URL fetcher serving ``/static/<file>`` from ``static_dir`` and the paths
    in ``extra`` (path → (bytes, MIME type)); every other URL is refused."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = static_dir.resolve()
    extra = extra or {}

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:  # noqa: ARG002
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
                raise ValueError(f"not fetched: {url}")
            path = unquote(parts.path)
            if path in extra:
                body, mime = extra[path]
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            if not path.startswith("/static/"):
                raise ValueError(f"not fetched: {url}")
            file = (root / path.removeprefix("/static/")).resolve()
            if root not in file.parents or not file.is_file():
                raise ValueError(f"not fetched: {url}")
            mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": mime})

    return LocalFetcher()


SVG_CSS = ("css/charts.css", "css/results.css", "css/maps.css")
"""Stylesheets whose SVG rules (``fill``, ``stroke``) the charts and maps need."""


def svg_rules(static_dir: Path) -> str:
    """The rules of :data:`SVG_CSS` that set ``fill`` or ``stroke``, as one stylesheet.

    WeasyPrint draws inline SVG with its own renderer, which ignores the page's stylesheets
    for SVG properties; the same rules inside each ``<svg>`` give the PDF the colours the
    browser shows (maps' classes, bars)."""
    rules = []
    for name in SVG_CSS:
        text = re.sub(r"/\*.*?\*/", "", (static_dir / name).read_text(encoding="utf-8"),
                      flags=re.S)
        rules += [m.group(0).strip() for m in re.finditer(r"[^{}]+\{[^{}]*\}", text)
                  if re.search(r"\b(fill|stroke)", m.group(0))]
    return "\n".join(rules)


PDF_SVG_CSS = ".map-svg text { stroke: none; }"
"""WeasyPrint paints a text's stroke over its fill (no ``paint-order``): the maps' white
halo would hide their labels, so the PDF draws them without it."""

_DEF = re.compile(r'<(path|pattern)\b[^>]*\bid="([^"]+)"[^>]*?(?:/>|>.*?</\1>)', re.S)
_REF = re.compile(r'(?:href="#|url\(#)([^")]+)')
_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)


def with_svg_styles(html: str, css: str) -> str:
    """``html`` with ``css`` as a ``<style>`` first inside every ``<svg>``, and the shapes
    and patterns an SVG refers to by id copied into its own ``<defs>``.

    The page draws each map's shapes once (``<use href>`` across SVG elements, which a
    browser resolves in the page); WeasyPrint renders each inline SVG as a document of its
    own, so it needs them inside."""
    defs = {m.group(2): m.group(0) for m in _DEF.finditer(html)}
    style = f"<style>{css}\n{PDF_SVG_CSS}</style>"

    def one(match: re.Match[str]) -> str:
        svg = match.group(0)
        if 'class="map-defs"' in svg:
            return svg
        wanted = dict.fromkeys(_REF.findall(svg))
        local = "".join(defs[i] for i in wanted if i in defs and f'id="{i}"' not in svg)
        head_end = svg.index(">") + 1
        extra = style + (f"<defs>{local}</defs>" if local else "")
        return svg[:head_end] + extra + svg[head_end:]

    return _SVG.sub(one, html)


def html_to_pdfa(html: str, static_dir: Path, *, title: str = "",
                 extra: dict[str, tuple[bytes, str]] | None = None) -> bytes:
    """``html`` as a PDF/A-2b document (print media, the report's own print CSS, and the
    SVG rules inside each inline SVG)."""
    weasyprint = _weasyprint()
    html = with_svg_styles(html, svg_rules(static_dir))
    doc = weasyprint.HTML(string=html, base_url=BASE_URL,
                          url_fetcher=local_fetcher(static_dir, extra))
    # WeasyPrint opens its sRGB output-intent profile (PDF/A) and leaves the file to the
    # garbage collector: its ResourceWarning is WeasyPrint's, silenced here, not ours.
    # Its log names every screen-only CSS property it skips: keep errors only.
    log = logging.getLogger("weasyprint")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            out = doc.write_pdf(pdf_variant=PDF_VARIANT)
            gc.collect()
    finally:
        log.setLevel(level)
    if out is None:  # only when a target file is given
        raise PdfUnavailable("WeasyPrint returned no PDF")
    return out


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (backslash escapes, so no character ends it)."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:/()_-–·åäöÅÄÖ":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return '"' + "".join(out) + '"'


def running_header_css(left: str, right: str) -> str:
    """The printed report's header on every page (CSS page-margin boxes: Chromium and
    WeasyPrint both print them): the authority on the left, the diarienummer on the right."""
    return (
        "@media print { @page {\n"
        f"  @top-left {{ content: {css_string(left)}; font: 8pt sans-serif; color: #333; }}\n"
        f"  @top-right {{ content: {css_string(right)}; font: 8pt sans-serif; color: #333; }}\n"
        "} }\n"
    )
