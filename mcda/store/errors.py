"""Store validation errors as translatable messages (no Flask here).

A message is a constant Swedish message id with ``%(name)s`` placeholders plus keyword
parameters, so the web layer can look the *id* up in the catalog and format it afterwards;
an f-string would bake the values in and could never be translated. ``N_`` only marks an id
for extraction (``scripts/i18n_update.py`` knows the keyword). A parameter may itself be a
:class:`Msg` (or a :class:`StoreError`), e.g. a translatable phrase or a wrapped inner error;
it is translated too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

__all__ = ["Msg", "N_", "StoreError", "required", "translate"]

Gettext = Callable[[str], str]
T = TypeVar("T")


def N_(msgid: str) -> str:  # noqa: N802 - gettext convention
    """Mark a message id for extraction; it is translated later, in the web layer."""
    return msgid


def _identity(msgid: str) -> str:
    return msgid


def _render(msgid: str, params: Mapping[str, Any], gettext: Gettext) -> str:
    text = gettext(msgid)
    if not params:
        return text
    return text % {k: translate(v, gettext) if isinstance(v, Msg | StoreError) else v
                   for k, v in params.items()}


class Msg:
    """A translatable text: Swedish ``msgid`` + parameters. ``str()`` gives the Swedish."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        return _render(self.msgid, self.params, _identity)

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Msg):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.msgid)

    def translated(self, gettext: Gettext) -> str:
        """The text in the language of ``gettext`` (e.g. Flask-Babel's ``gettext``)."""
        return _render(self.msgid, self.params, gettext)


class StoreError(ValueError):
    """Invalid data for the store; ``field`` names the input.

    ``msgid``/``params`` are the untranslated message; ``message`` is the formatted Swedish
    text (kept for callers and tests that want Swedish); :meth:`translated` gives the text
    in the request's language. ``message`` may also be a ready :class:`Msg`.
    """

    def __init__(self, field: str, message: str | Msg, /, **params: Any) -> None:
        text = message if isinstance(message, Msg) else Msg(message, **params)
        self.field = field
        self.text = text
        self.msgid = text.msgid
        self.params = text.params
        self.message = str(text)
        super().__init__(f"{field}: {self.message}")

    def translated(self, gettext: Gettext) -> str:
        """The message in the language of ``gettext`` (the web layer passes its ``_``)."""
        return self.text.translated(gettext)


def required(value: T | None, field: str, msgid: str) -> T:
    """``value``, or a :class:`StoreError` on ``field`` when it is None: the row a caller
    named does not exist. ``msgid`` is ``N_``-marked."""
    if value is None:
        raise StoreError(field, msgid)
    return value


def translate(text: str | Msg | StoreError, gettext: Gettext) -> str:
    """Translate a :class:`Msg` or :class:`StoreError`; a plain ``str`` is returned as is."""
    if isinstance(text, Msg | StoreError):
        return text.translated(gettext)
    return text
