"""Site room: the home page, accessibility statement and health check."""
