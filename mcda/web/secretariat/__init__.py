"""The secretariat: compare municipalities across rounds and decisions (read-only).

``views`` (the one page), ``compare`` (its context: the chosen rounds through the round-scope
step, and the rows and movement from their views)."""
