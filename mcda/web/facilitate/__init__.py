"""The facilitator prepares decisions and runs rounds.

``views`` (routes), ``items`` (criteria and alternatives: one MethodView each for new/edit,
move and delete), ``rounds`` (the round page and the round actions from one table),
``matrix`` (the score matrix), ``csv_import``, ``common`` (the audited transaction, loaders,
form errors). Pages work without JavaScript (every change is a POST form followed by a
redirect); htmx adds per-cell saving in the score matrix. Each state change runs in one
write transaction together with its audit-log entry, so a refused change leaves neither data
nor log behind. Store validation errors are shown on the field they name.
"""
