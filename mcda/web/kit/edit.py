"""The prologue every changing view shares: a signed-in editor, the decision or round loaded
with edit rights, and a store refusal turned into the reader's message.

Why one place: planning, scenarios and results repeated the same four lines per POST view;
a rule about who may change what now changes here once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint

from mcda.store.errors import StoreError
from mcda.web.kit.access import login_required
from mcda.web.kit.i18n import error_text
from mcda.web.kit.scope import load_decision, load_round


def edit_post(bp: Blueprint, rule: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route a POST that changes a round (``round_id`` in the rule) or else a decision
    (``decision_id``): editors only, the record loaded with edit rights (404/403 as
    :func:`load_round` / :func:`load_decision`) and passed to the view as its first argument."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def loaded(**ids: int) -> Any:
            if "round_id" in ids:
                record = load_round(ids["round_id"], edit=True)
            else:
                record = load_decision(ids["decision_id"], edit=True)
            return view(record, **ids)

        return bp.post(rule)(login_required()(loaded))

    return decorator


def store_error(change: Callable[..., Any], *args: Any) -> str | None:
    """Run one store change: None when it is done, else the refusal as the reader's message."""
    try:
        change(*args)
    except StoreError as exc:
        return error_text(exc)
    return None
