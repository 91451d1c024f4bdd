"""Pulse-survey results for executives and consultants: figures, trends, exports, actions."""
