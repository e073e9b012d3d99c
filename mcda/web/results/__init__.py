"""The facilitator's results: the results page, the projector, the report, convergence over
Delphi rounds, and the round exports' route.

``views`` (routes), ``page`` (the page's context and its rendered-sections cache),
``projector`` (the stepped, polled projector), ``convergence``. Figures come from the one
round-scope step (``kit.scope``) and the analysis view (``present.analysis_view``).
"""
