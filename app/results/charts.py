"""Plotly figures of pulse results, built only from groups the anonymity plan shows.

Every number here comes from a ``GroupResult`` that is already through the
rules: a hidden group has no figures to draw, so the ``data-chart`` JSON can
never hold more than the tables beside the charts. Hidden points are gaps in
a trend and blank, labelled cells in the heatmap.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from babel.dates import format_skeleton
from flask_babel import gettext

from app.charts import COLORS, chart_json, figure, wrap_label
from app.i18n import current_language
from app.services.results import (
    CampaignInfo,
    DimensionInfo,
    GroupResult,
    GroupStatus,
)
from app.services.results.detail import AdkarDistribution
from app.templating import format_number
from survey.languages import N_
from survey.scoring import rounded

LABEL_LENGTH = 34
# The ADKAR elements as the chart names them (translated where shown).
ADKAR_NAMES = {
    "awareness": N_("Awareness"),
    "desire": N_("Desire"),
    "knowledge": N_("Knowledge"),
    "ability": N_("Ability"),
    "reinforcement": N_("Reinforcement"),
}
# Legends above the plot: below it they collide with slanted campaign labels.
TOP_LEGEND = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}
# Red (worse) to green (better); resistance drivers are flipped before colouring.
HEAT_SCALE = [[0.0, "#b3261e"], [0.5, "#f2e8cf"], [1.0, "#1d7a46"]]


def short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def campaign_label(campaign: CampaignInfo) -> str:
    """ "#3 · 3 Nov": the number and opening day, the day and month in the page's locale."""
    day = campaign.opens_at
    if current_language() == "en":
        return f"#{campaign.number} · {day.day} {day:%b}"
    return f"#{campaign.number} · {format_skeleton('MMMd', day, locale=current_language())}"


def trend_chart(
    series: Sequence[tuple[CampaignInfo, GroupResult | None]],
    dimensions: Sequence[DimensionInfo],
) -> str:
    """One line per dimension across campaigns (1-5); hidden or unasked points are gaps.

    Titles go in the page's captions: a title inside the figure overflows a phone.
    """
    x = [campaign_label(campaign) for campaign, _ in series]
    data = []
    for info in dimensions:
        y = []
        for _, group in series:
            result = group.dimension(info.key) if group is not None else None
            y.append(rounded(result.mean) if result is not None else None)
        data.append(
            go.Scatter(
                x=x,
                y=y,
                name=short(info.title),
                mode="lines+markers",
                connectgaps=False,
                hovertemplate=f"%{{y:.2f}}<extra>{short(info.title)}</extra>",
            )
        )
    return chart_json(
        figure(
            data,
            yaxis={"range": [1, 5.1], "title": gettext("Mean (1–5)"), "dtick": 1},
            xaxis={"type": "category"},
            legend=TOP_LEGEND,
            margin={"l": 48, "r": 16, "t": 16, "b": 48},
            height=360,
        )
    )


def enps_trend_chart(series: Sequence[tuple[CampaignInfo, GroupResult | None]]) -> str:
    """eNPS (-100 to 100) across campaigns, with the zero line."""
    x = [campaign_label(campaign) for campaign, _ in series]
    y = [rounded(group.enps, 1) if group is not None else None for _, group in series]
    data = [
        go.Scatter(
            x=x,
            y=y,
            name="eNPS",
            mode="lines+markers",
            connectgaps=False,
            line={"color": COLORS["staff"], "width": 3},
            hovertemplate="eNPS %{y:+.0f}<extra></extra>",
        )
    ]
    return chart_json(
        figure(
            data,
            yaxis={"range": [-100, 100], "title": "eNPS", "zeroline": True, "dtick": 50},
            xaxis={"type": "category", "automargin": True, "nticks": 6, "tickangle": -30},
            showlegend=False,
            height=300,
        )
    )


def adkar_chart(distribution: AdkarDistribution) -> str:
    """Respondents per barrier point, in A-D-K-A-R order, then "no barrier"."""
    names = [_adkar_name(element) for element, _ in distribution.counts]
    counts = [count for _, count in distribution.counts]
    colors = [
        COLORS["ok"] if element == "none" else COLORS["target"]
        for element, _ in distribution.counts
    ]
    data = [
        go.Bar(
            x=names,
            y=counts,
            marker_color=colors,
            text=[f"{format_number(distribution.share(count), 0)}%" for count in counts],
            textposition="outside",
            hovertemplate=gettext("%(count)s respondents", count="%{y}") + "<extra>%{x}</extra>",
        )
    ]
    return chart_json(
        figure(
            data,
            yaxis={"title": gettext("Respondents"), "rangemode": "tozero"},
            showlegend=False,
            height=320,
        )
    )


def _adkar_name(element: str) -> str:
    if element == "none":
        return str(gettext("No barrier"))
    return gettext(ADKAR_NAMES[element]) if element in ADKAR_NAMES else element.capitalize()


def heatmap_chart(
    groups: Sequence[GroupResult], dimensions: Sequence[DimensionInfo], min_size: int
) -> str:
    """Teams x dimensions for one campaign; hidden teams are blank rows with a label.

    Colour reads "better" for every dimension: a resistance driver's mean is
    flipped (6 - mean) before colouring, while the cell shows the mean itself.
    """
    rows = list(reversed(groups))  # Plotly draws the first row at the bottom
    y = [("· " * g.depth) + short(g.name, 28) for g in rows]
    x = [wrap_label(info.title, 16) for info in dimensions]  # whole words, two lines
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for group in rows:
        z_row: list[float | None] = []
        text_row: list[str] = []
        for info in dimensions:
            result = group.dimension(info.key)
            if group.suppressed or result is None:
                z_row.append(None)
                text_row.append(_hidden_label(group, min_size) if group.suppressed else "")
            else:
                z_row.append(round(result.mean if info.higher_is_better else 6 - result.mean, 2))
                text_row.append(format_number(result.mean, 1))
        z.append(z_row)
        text.append(text_row)
    data = [
        go.Heatmap(
            x=x,
            y=y,
            z=z,
            text=text,
            texttemplate="%{text}",
            zmin=1,
            zmax=5,
            colorscale=HEAT_SCALE,
            hoverongaps=False,
            customdata=[[info.title for info in dimensions] for _ in rows],
            hovertemplate="%{y}<br>%{customdata}: %{text}<extra></extra>",
            colorbar={"title": {"text": gettext("better →")}, "tickvals": [1, 3, 5]},
        )
    ]
    return chart_json(
        figure(
            data,
            xaxis={"side": "top", "tickangle": -30, "automargin": True},
            yaxis={"automargin": True},
            height=max(320, 44 * len(rows) + 180),
            margin={"l": 16, "r": 16, "t": 120, "b": 16},
        )
    )


def _hidden_label(group: GroupResult, min_size: int) -> str:
    return f"<{min_size}" if group.status is GroupStatus.TOO_FEW else gettext("hidden")
