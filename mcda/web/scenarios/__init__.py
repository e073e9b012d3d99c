"""Vägval scenarios under the planning pages: ``views`` (routes), ``analysis`` (the one
analysis, from the shared cache), ``context``, ``describe``, ``view_models``, ``form``,
``compare``; the comparison's CSV/Excel is in ``exports.scenario_compare``."""
