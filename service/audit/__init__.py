"""The audit trail and its screen for admins."""
