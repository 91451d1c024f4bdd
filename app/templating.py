"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime

import plotly
from flask import Flask, url_for


def format_date(value: date | datetime | None, empty: str = "—") -> str:
    if value is None:
        return empty
    return f"{value.day} {value:%b %Y}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def plotly_src() -> str:
    """URL of the locally served plotly.js, versioned so browsers may cache it for a year."""
    return url_for("system.plotly_js", version=plotly.__version__)


def init_app(app: Flask) -> None:
    app.add_template_global(plotly_src, "plotly_src")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(plural, "plural")
