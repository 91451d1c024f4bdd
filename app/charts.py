"""Charts: Plotly figures built on the server, drawn by plotly.js served from this app.

Views pass plain numbers (already through the anonymity rules) to the builders
here and embed the result with ``chart_json``; templates load the vendored
plotly.js bundle (``plotly_src()``, see ``app.assets``) and ``js/charts.js``,
which draws every ``<div data-chart>`` on the page. No CDN, no inline scripts.
The bundle is plotly.js's cartesian partial bundle: a builder using a trace type
outside it (see app/static/vendor/README.md) needs another bundle.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import has_request_context
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from plotly.io import to_json

COLORS = {
    "self": "#1f5fa8",
    "observers": "#d9822b",
    "leaders": "#1f5fa8",
    "staff": "#d9822b",
    "target": "#b3261e",
    "ok": "#1d7a46",
    "muted": "#8a94a6",
}
# The whole initiative: one thick, dark line; teams: thinner lines in Okabe & Ito's
# qualitative palette (told apart also with colour-blindness), at most one colour each.
WHOLE_COLOR = "#1b1f24"
TEAM_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
MAX_TEAM_LINES = len(TEAM_PALETTE)
# Where each scale starts and ends, so that an axis never starts at 0 for a 1-5 rating.
SCALE_RANGES: dict[str, tuple[float, float]] = {"%": (0, 100), "1-5": (1, 5), "1-10": (1, 10)}
BASE_LAYOUT: dict[str, Any] = {
    "margin": {"l": 40, "r": 16, "t": 36, "b": 40},
    "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "legend": {"orientation": "h", "y": -0.2},
    "hovermode": "closest",
}


def separators() -> dict[str, str]:
    """Plotly's decimal and thousands signs for the page's locale; none for English, whose
    signs are Plotly's own."""
    locale = get_locale() if has_request_context() else None
    if locale is None:
        return {}
    signs = get_decimal_symbol(locale) + get_group_symbol(locale)
    return {} if signs == ".," else {"separators": signs}


def figure(data: list[Any], **layout: Any) -> go.Figure:
    fig = go.Figure(data=data)
    fig.update_layout(**{**BASE_LAYOUT, **separators(), **layout})
    return fig


def chart_json(fig: go.Figure) -> str:
    """The figure as JSON for a ``data-chart`` attribute (escaped by Jinja)."""
    text: str = to_json(fig, validate=False, pretty=False)
    return text


def chart_data(fig: go.Figure) -> dict[str, Any]:
    """The figure's data as plain JSON-able values, for tests and exports."""
    data: dict[str, Any] = json.loads(chart_json(fig))
    return data


def wrap_label(text: str, width: int = 14) -> str:
    """A long axis label over two lines (``<br>``), words kept whole; the rest shortened."""
    if len(text) <= width:
        return text
    words = text.split()
    first = ""
    while words and len(f"{first} {words[0]}".strip()) <= width:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one long word: it stays whole on its own line
        first = words.pop(0)
    rest = " ".join(words)
    if len(rest) > width:
        rest = rest[: width - 1].rstrip() + "…"
    return f"{first}<br>{rest}" if rest else first


def unit_words(unit: str) -> str:
    """A metric's unit as a chart writes it: "score", the catalogue's unit of a bare score
    (NPS), in the reader's language; any other unit as the consultant typed it."""
    return _("score") if unit == "score" else unit


def metric_series_chart(
    lines: list[tuple[str, list[Any], list[float]]],
    *,
    unit: str,
    target: float | None = None,
) -> go.Figure:
    """The whole initiative (first line) thick and dark, up to six teams thinner, target dashed.

    ``lines`` are (name, periods, values); lines past the sixth team are left out (the
    dashboard picks the teams that matter). The target spans the periods shown; a
    percentage axis runs 0-100 (further only if a value does).
    """
    lines = lines[: 1 + MAX_TEAM_LINES]
    shown_unit = unit_words(unit)
    data: list[Any] = [
        go.Scatter(
            x=periods,
            y=values,
            name=name,
            mode="lines+markers",
            line={
                "width": 4 if index == 0 else 1.75,
                "color": WHOLE_COLOR if index == 0 else TEAM_PALETTE[index - 1],
            },
            marker={"size": 6 if index == 0 else 4},
            hovertemplate=f"%{{y:,.2f}} {shown_unit}<extra>{name}</extra>",
        )
        for index, (name, periods, values) in enumerate(lines)
    ]
    periods = sorted({period for _, xs, _ in lines for period in xs})
    if target is not None and periods:
        data.append(
            go.Scatter(
                x=[periods[0], periods[-1]],
                y=[target, target],
                name=_(
                    "Target %(target)s %(unit)s", target=format_decimal(target), unit=shown_unit
                ),
                mode="lines",
                line={"color": COLORS["target"], "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )
    yaxis: dict[str, Any] = {
        "title": {"text": shown_unit},
        "rangemode": "tozero",
        "automargin": True,
    }
    if unit in SCALE_RANGES:
        low, high = SCALE_RANGES[unit]
        values = [v for _, _, vs in lines for v in vs if v is not None]
        yaxis["range"] = [low, max([high, *values])]
        yaxis.pop("rangemode")
    return figure(
        data,
        yaxis=yaxis,
        xaxis={"type": "date", "automargin": True},
        margin={"l": 56, "r": 16, "t": 16, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
    )
