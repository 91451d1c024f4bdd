"""The audit log pages: one organisation's for its consultants, every one for site admins."""
