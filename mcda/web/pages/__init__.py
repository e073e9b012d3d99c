"""Public pages: start page, privacy notice, accessibility statement, health check."""
