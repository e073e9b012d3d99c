"""Signals between features that may not import each other (blinker, as Flask's own).

``round_closed``: sent once a round is closed (the change committed) by the facilitator's
close action, and for each open round that archiving the whole decision closes; the records
feature builds the archive package after the response."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

round_closed = _signals.signal("vagval-round-closed")
"""Sender: the app; keyword ``round_id``."""
