"""Small pieces shared by the WTForms forms of every blueprint."""

from __future__ import annotations

from typing import Any


def strip(value: Any) -> Any:
    """Field filter: ignore spaces pasted around a value."""
    return value.strip() if isinstance(value, str) else value
