"""Facilitators' and the secretariat's login: ``views`` (routes), ``login`` (the flow),
``throttle`` (failures counted without locking the real user out)."""
