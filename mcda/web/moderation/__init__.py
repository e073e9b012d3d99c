"""The moderation log of the "Varför?" reasons (issue 26 point 6)."""
