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
BASE_LAYOUT: dict[str, Any] = {
    "margin": {"l": 40, "r": 16, "t": 36, "b": 40},
    "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "legend": {"orientation": "h", "y": -0.2},
    "hovermode": "closest",
}


def figure(data: list[Any], **layout: Any) -> go.Figure:
    fig = go.Figure(data=data)
    fig.update_layout(**{**BASE_LAYOUT, **layout})
    return fig


def chart_json(fig: go.Figure) -> str:
    """The figure as JSON for a ``data-chart`` attribute (escaped by Jinja)."""
    text: str = to_json(fig, validate=False, pretty=False)
    return text


def chart_data(fig: go.Figure) -> dict[str, Any]:
    """The figure's data as plain JSON-able values, for tests and exports."""
    data: dict[str, Any] = json.loads(chart_json(fig))
    return data


def metric_series_chart(
    lines: list[tuple[str, list[Any], list[float]]],
    *,
    unit: str,
    target: float | None = None,
) -> go.Figure:
    """One line per series (the first, the whole initiative, drawn heavier) and a dashed target.

    ``lines`` are (name, periods, values); the target spans the periods shown.
    """
    data: list[Any] = [
        go.Scatter(
            x=periods,
            y=values,
            name=name,
            mode="lines+markers",
            line={"width": 3 if index == 0 else 1.5},
            marker={"size": 5 if index == 0 else 3},
            hovertemplate=f"%{{y:,.2f}} {unit}<extra>{name}</extra>",
        )
        for index, (name, periods, values) in enumerate(lines)
    ]
    periods = sorted({period for _, xs, _ in lines for period in xs})
    if target is not None and periods:
        data.append(
            go.Scatter(
                x=[periods[0], periods[-1]],
                y=[target, target],
                name=f"Target {target:g} {unit}",
                mode="lines",
                line={"color": COLORS["target"], "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )
    return figure(
        data,
        yaxis={"title": {"text": unit}, "rangemode": "tozero"},
        xaxis={"type": "date"},
        margin={"l": 56, "r": 16, "t": 16, "b": 40},
    )
