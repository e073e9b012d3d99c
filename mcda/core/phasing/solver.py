"""The one door to HiGHS: ``scipy.optimize.milp`` with standard output silenced.

Why: HiGHS' MIP code sometimes prints debugging lines
(``HighsMipSolverData::transformNewIntegerFeasibleSolution …``) with C ``printf``, which no
solver option turns off, and ``python -m mcda analyze`` must write nothing but its JSON to
stdout. Every solve in :mod:`mcda.core.phasing` goes through :func:`milp`, which points file
descriptor 1 at the null device for the duration of the call (flushing C's buffers before
putting it back). Nested and concurrent solves share one redirection (a counter under a
lock), so threads of a web server never restore each other's descriptor too early.
:func:`exact_sum` and :func:`fits` check a solved plan's money in exact arithmetic.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.optimize import milp as _scipy_milp

_LOCK = threading.Lock()
_state: dict[str, int | None] = {"depth": 0, "saved": None}


def _c_flush() -> None:
    """Flush C stdio buffers, so text HiGHS buffered goes to the null device, not later."""
    with suppress(OSError, AttributeError, TypeError):  # no libc (Windows): nothing to flush
        ctypes.CDLL(None).fflush(None)


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send whatever native code writes to file descriptor 1 to the null device."""
    with _LOCK:
        if _state["depth"] == 0:
            with suppress(AttributeError, ValueError):  # closed or absent sys.stdout
                sys.stdout.flush()
            _c_flush()
            try:
                saved = os.dup(1)
            except OSError:  # pragma: no cover - no descriptor 1 at all: nothing to protect
                saved = None
            if saved is not None:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.close(null)
            _state["saved"] = saved
        _state["depth"] = int(_state["depth"] or 0) + 1
    try:
        yield
    finally:
        with _LOCK:
            _state["depth"] = int(_state["depth"] or 0) - 1
            saved = _state["saved"]
            if _state["depth"] == 0 and saved is not None:
                _c_flush()
                os.dup2(saved, 1)
                os.close(saved)
                _state["saved"] = None


def milp(*args: Any, **kwargs: Any) -> Any:
    """:func:`scipy.optimize.milp` with the solver's stray stdout text silenced.

    HiGHS keeps its default feasibility tolerance (1e-6): a tighter one (1e-9) was measured
    30 % slower over nine benchmark frontiers, and plans are checked exactly anyway
    (:meth:`PhaseModel.solve_raw`).
    """
    with quiet_stdout():
        return _scipy_milp(*args, **kwargs)


def exact(x: float) -> Fraction:
    """A number as the decimal it was entered as (its shortest repr), exactly.

    Money and shares are typed as decimals: 0.7 means 7/10, not the binary float nearest
    to it, so a plan of 3 + 7 under a 70 % share cap fits exactly as the user reads it, and
    0.1 + 0.2 fits a budget of 0.3."""
    return Fraction(repr(float(x)))


def exact_sum(amounts: Any) -> Fraction:
    """The exact sum of amounts read as the decimals they were entered as."""
    return sum((exact(a) for a in np.asarray(amounts, dtype=float).ravel()), Fraction(0))


def fits(amounts: Any, budget: float) -> bool:
    """Σ amounts ≤ budget in exact arithmetic (a float test first, exact near the edge)."""
    a = np.asarray(amounts, dtype=float)
    s = float(a.sum())
    slack = 1e-9 * (float(np.abs(a).sum()) + abs(float(budget)) + 1.0)
    if s < budget - slack:
        return True
    if s > budget + slack:
        return False
    return exact_sum(a) <= exact(budget)
