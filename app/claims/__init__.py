"""Claims room: payment and expense claims (pricing core first)."""
