"""Pulse surveys for consultants and executives: building, scheduling, links and QR codes."""
