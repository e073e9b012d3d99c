"""The participants' tablets: join a round by code, save a weighting, see the revealed region.

``views`` (routes), ``join`` and ``vote`` (the two flows), ``home`` (the round's hub),
``state`` (form state per elicitation method), ``forms`` (field parsing), ``view_models``
(rows from plain data), ``context`` (the only store access), ``session`` (device token),
``join_check`` (the proof of work that slows join-code guessing).
"""
