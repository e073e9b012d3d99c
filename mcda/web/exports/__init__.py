"""Exports: CSV (Swedish Excel dialect), the Excel workbook and the analysis JSON of a round,
and the scenario comparison. Not a blueprint: the results and scenarios pages route to
``views`` (their endpoints keep their names)."""
