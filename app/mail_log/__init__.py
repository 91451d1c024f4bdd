"""The mail page: an organisation's send log and outbox, for its consultants."""
