"""Staff room: sign-in, staff accounts and the audit trail (queues and exports join later)."""
