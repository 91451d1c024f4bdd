"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, url_for
from flask_babel import format_date as babel_format_date
from flask_babel import format_decimal, gettext
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import soft_str

from app.assets import PLOTLY_BUNDLE
from app.i18n import current_language

# English keeps the house style "3 Nov 2026"; other languages their own medium date.
ENGLISH_DATE = "d MMM y"


def format_date(value: date | datetime | None, empty: str = "—") -> str:
    if value is None:
        return empty
    day = value.date() if isinstance(value, datetime) else value
    return str(babel_format_date(day, ENGLISH_DATE if current_language() == "en" else "medium"))


def format_moment(value: datetime) -> str:
    """A moment to the minute, its day as ``format_date`` writes it: "3 Nov 2026, 14:05"."""
    return str(gettext("%(day)s, %(time)s", day=format_date(value), time=f"{value:%H:%M}"))


def format_number(
    value: float | int | None, digits: int | None = None, empty: str = "—", signed: bool = False
) -> str:
    """A number in the page's locale (grouping, decimal sign); ``digits`` after the point,
    rounded as Python's ``"%.1f"`` rounds (so English figures stay as they were); ``signed``
    puts "+" before a positive number."""
    if value is None:
        return empty
    body = "#,##0" + ("." + "0" * digits if digits else "") if digits is not None else "#,##0.###"
    number: float | int | Decimal = value
    if digits is not None:
        number = Decimal(f"{value:.{digits}f}")
    pattern = f"+{body};-{body}" if signed else (None if digits is None else body)
    return str(format_decimal(number, pattern))


def plotly_src() -> str:
    """URL of the locally served plotly.js bundle, fingerprinted so browsers cache it for a year."""
    return url_for("static", filename=PLOTLY_BUNDLE)


def upper_first(value: object) -> str:
    """The first letter upper case and the rest as written, unlike Jinja's ``capitalize``,
    which lowercases German nouns and every name after the first word. Markup stays
    markup (a translated message is)."""
    text = soft_str(value)
    return text[:1].upper() + text[1:]


def counting_in_words(ngettext: Callable[..., str]) -> Callable[..., str]:
    """Jinja's ngettext with ``%(num)s`` written as the reader writes numbers ("12,345"),
    unless the template gives ``num`` itself; Jinja's own would show "12345"."""

    @pass_context
    def ngettext_counted(
        context: Context, singular: str, plural: str, count: int, /, **values: Any
    ) -> str:
        values.setdefault("num", format_number(count))
        return ngettext(context, singular, plural, count, **values)

    return ngettext_counted


def init_app(app: Flask) -> None:
    # Flask-Babel has installed Jinja's gettext callables by now (app.i18n runs first).
    installed = app.jinja_env.globals["ngettext"]
    assert callable(installed)
    app.jinja_env.globals["ngettext"] = counting_in_words(installed)
    app.add_template_global(plotly_src, "plotly_src")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(upper_first, "upper_first")
