"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, url_for

from app.assets import PLOTLY_BUNDLE


def format_date(value: date | datetime | None, empty: str = "—") -> str:
    if value is None:
        return empty
    return f"{value.day} {value:%b %Y}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def plotly_src() -> str:
    """URL of the locally served plotly.js bundle, fingerprinted so browsers cache it for a year."""
    return url_for("static", filename=PLOTLY_BUNDLE)


def init_app(app: Flask) -> None:
    app.add_template_global(plotly_src, "plotly_src")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(plural, "plural")
