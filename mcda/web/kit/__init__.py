"""Shared web plumbing: htmx, access, errors, i18n, limits, forms, security, assets, db,
and the round-scope step."""
