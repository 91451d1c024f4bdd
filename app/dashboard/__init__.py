"""The diagnosis pages: the executive dashboard, the consultant view, the summary, exports."""
