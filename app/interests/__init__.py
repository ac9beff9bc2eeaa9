"""Expressions of interest in roles, staff triage, and optional equality monitoring."""
