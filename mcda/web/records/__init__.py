"""Records management for the authority (issue 26): a round's archive package (E-ARK CSIP
ZIP with METS, the report as PDF/A, CSV/JSON with schema, the audit log), a request for
public documents with its secrecy-review checklist, and the report's running header.

``views`` (routes), ``page`` (the page's values, store access), ``content`` (what the package
holds, and building it), ``package`` (METS and ZIP, pure), ``pdf`` (WeasyPrint, lazily),
``request`` (the records as held), ``after_close`` (the build after a round is closed)."""
