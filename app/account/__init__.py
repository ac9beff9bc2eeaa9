"""Account room: contributor sign-in by email link or code, profile entered once, your data."""
