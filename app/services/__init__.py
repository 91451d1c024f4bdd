"""The only layer that queries and commits. Views call these; so do the CLI and the API."""
