"""\"Vad hände sedan?\": what was decided after the workshop, for participants, the
facilitator and the secretariat (issue 26 point 5)."""
