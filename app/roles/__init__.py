"""Roles room: role descriptions that must be complete (and easy read) before publishing."""
