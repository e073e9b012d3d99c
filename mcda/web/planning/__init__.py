"""Growth phases and the phasing plan: ``views`` (routes), ``page`` (the plan page's context),
``values`` (the one value source, from the analysis cache), ``forms`` (budgets and rules)."""
