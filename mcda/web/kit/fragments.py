"""Partials rendered once per distinct input: ``{{ partial("x.html", name=value) }}``.

A partial that takes only plain values (numbers, strings, lists, mappings: what view models
give templates) and the request's language renders the same HTML for the same input. The
tablet's "Förra omgången" section is ~1 ms of each of the round page, the vote form and the
saved page, and every device that did not vote in the earlier round sees the same one: it
is rendered once per (template version, language, input) and reused.

Safe by construction: the key is the pickle of every value the partial receives (equal
values in the same order give the same bytes, different values or types never do; a value
pickle cannot write is refused and the partial rendered uncached; nothing is ever unpickled),
and the partial is rendered with ``StrictUndefined``, so a name it uses without receiving it
fails at once instead of rendering as empty text and being cached that way. Pickle rather
than JSON: the chart's values took ~200 µs as sorted JSON and ~20 µs as a pickle.
"""

from __future__ import annotations

import pickle
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape

from mcda.web.kit.i18n import locale_name

MAX_ENTRIES = 256

_lock = threading.Lock()
#: key → (template, html): the template is kept with its entries, so its id stays unique
_cache: OrderedDict[tuple[Any, ...], tuple[Any, Markup]] = OrderedDict()
stats = {"hits": 0, "misses": 0}


def clear() -> None:
    with _lock:
        _cache.clear()
        stats.update(hits=0, misses=0)


def _strict_env(env: Environment) -> Environment:
    """The app's environment with ``StrictUndefined`` (same loader, globals and filters)."""
    strict = getattr(env, "_vagval_strict", None)
    if strict is None:
        strict = env.overlay(undefined=StrictUndefined)
        env._vagval_strict = strict  # type: ignore[attr-defined]
    return strict


def _cached(name: str, values: dict[str, Any], finish: Callable[[Markup], Any]) -> Any:
    """``finish(rendered partial)`` once per (template, language, values), then from the cache."""
    template = _strict_env(current_app.jinja_env).get_template(name)
    try:
        data = pickle.dumps(values, protocol=5)
    except (TypeError, ValueError, AttributeError, pickle.PicklingError):
        return finish(Markup(template.render(**values)))  # noqa: S704 - autoescaped template output
    key = (name, id(template), locale_name(), id(finish) if finish is not _as_is else 0, data)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            stats["hits"] += 1
            return hit[1]
    out = finish(Markup(template.render(**values)))  # noqa: S704 - autoescaped template output
    with _lock:
        stats["misses"] += 1
        _cache[key] = (template, out)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return out


def _as_is(html: Markup) -> Markup:
    return html


def partial(name: str, **values: Any) -> Markup:
    """The partial ``name`` rendered with ``values`` only (not the page's context)."""
    return _cached(name, values, _as_is)


# A hole's text: private-use characters around a per-process random mark and the hole's
# number. No stored text can forge it (the mark is secret and new at every start).
_MARK = secrets.token_hex(8)
_HOLE_RX = re.compile("\ue000" + _MARK + ":([0-9]+)\ue001")


def hole(index: int) -> str:
    """The stand-in for ``fill[index]`` in the values of :func:`partial_filled`."""
    return f"\ue000{_MARK}:{index}\ue001"


def _pieces(html: Markup) -> tuple[str | int, ...]:
    """Text and hole numbers alternating (text first and last)."""
    parts: list[str | int] = _HOLE_RX.split(str(html))
    for j in range(1, len(parts), 2):
        parts[j] = int(parts[j])
    return tuple(parts)


def partial_filled(name: str, fill: Sequence[Any], **values: Any) -> Markup:
    """A partial that differs between requests only in a few values it prints as they are
    (a slider's number, a percentage): rendered once with :func:`hole` stand-ins for them,
    then each request escapes its ``fill`` values into the holes. The vote's answer and the
    saved page show the participant's own values, so the plain cache missed every time
    (≈ 1 ms of the slider form's body); filling eight rows costs ≈ 10 µs.

    Only for values the partial prints with ``{{ … }}`` or passes to ``_()`` unchanged (both
    escape them, as this does); a value it tests, filters or computes with must be a plain
    value. ``tests/web/test_tablet_cost.py`` checks the form against a direct render."""
    pieces = _cached(name, values, _pieces)
    out = list(pieces)
    for j in range(1, len(out), 2):
        out[j] = escape(fill[pieces[j]])  # type: ignore[index]
    return Markup("".join(out))  # noqa: S704 - escaped values in autoescaped template output


def init_app(app: Any) -> None:
    app.jinja_env.globals["partial"] = partial
