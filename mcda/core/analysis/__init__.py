"""The analysis: one pure function, :func:`analyze`, from the analysis input object to the
result object (``docs/analysis-format.md``); the web views, the JSON export and
``python -m mcda analyze`` all call it.

:mod:`.pipeline` runs the steps; :mod:`.plans` the growth phases and scenarios;
:mod:`.describe` the method texts; :mod:`.shared` what both need. Import from this package.
"""

from .pipeline import FORMAT_VERSION, _vote_weights, analyze

__all__ = ["FORMAT_VERSION", "_vote_weights", "analyze"]
