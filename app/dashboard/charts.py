"""Plotly figures of the diagnosis, built only from the :class:`Diagnosis` object.

Pulse figures come from groups the anonymity plan shows (hidden teams are
labelled blank rows, never numbers); per-team adoption only for the teams
the small-team rule shows (``fold_team_points``). So the ``data-chart`` JSON never holds more
than the tables beside the charts.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
from flask_babel import gettext as _

from app.charts import COLORS, chart_json, figure, metric_series_chart
from app.results.charts import campaign_label, enps_trend_chart, heatmap_chart
from app.services.diagnosis import Diagnosis
from app.services.results import LOW_RESPONSE_RATE
from app.templating import format_number
from insights.kotter import STEPS_BY_KEY


@dataclass(frozen=True)
class DashboardCharts:
    """Each chart's JSON for a ``data-chart`` attribute, or None when there is nothing to draw."""

    adoption: str | None
    gaps: str | None
    heatmap: str | None
    enps: str | None
    response_rate: str | None

    @property
    def count(self) -> int:
        return sum(spec is not None for spec in vars(self).values())


def dashboard_charts(diagnosis: Diagnosis, chosen: int | None = None) -> DashboardCharts:
    """Every chart; teams are those that matter (and the ``chosen`` one), never all of them."""
    return DashboardCharts(
        adoption=adoption_chart(diagnosis, chosen),
        gaps=gap_chart(diagnosis),
        heatmap=team_heatmap(diagnosis, chosen),
        enps=enps_chart(diagnosis),
        response_rate=response_rate_chart(diagnosis),
    )


def adoption_chart(diagnosis: Diagnosis, chosen: int | None = None) -> str | None:
    """The headline metric for the whole initiative (heavier line) and the teams that matter."""
    headline = diagnosis.adoption
    if headline is None:
        return None
    lines = [(headline.scope, [p.isoformat() for p in headline.periods], list(headline.values))]
    lines += [
        (s.scope, [p.isoformat() for p in s.periods], list(s.values))
        for s in diagnosis.teams_that_matter(headline.metric_key, chosen)
    ]
    fig = metric_series_chart(lines, unit=headline.unit, target=headline.target)
    # A horizontal legend under the plot, small enough never to need its own scrollbar.
    fig.update_layout(height=360, legend={"font": {"size": 11}, "y": -0.12})
    return chart_json(fig)


def gap_chart(diagnosis: Diagnosis) -> str | None:
    """Leaders' and staff's means per step, side by side on the same 1-5 scale."""
    if not diagnosis.gaps:
        return None
    names = [STEPS_BY_KEY[gap.key].shown_short for gap in diagnosis.gaps]
    data = [
        go.Bar(
            x=names,
            y=[round(gap.leaders, 2) for gap in diagnosis.gaps],
            name=_("Leaders"),
            marker_color=COLORS["leaders"],
            text=[format_number(gap.leaders, 1) for gap in diagnosis.gaps],
            textposition="outside",
            hovertemplate=_("Leaders %(value)s/5", value="%{y:.1f}") + "<extra>%{x}</extra>",
        ),
        go.Bar(
            x=names,
            y=[round(gap.staff, 2) for gap in diagnosis.gaps],
            name=_("Staff"),
            marker_color=COLORS["staff"],
            text=[format_number(gap.staff, 1) for gap in diagnosis.gaps],
            textposition="outside",
            hovertemplate=_("Staff %(value)s/5", value="%{y:.1f}") + "<extra>%{x}</extra>",
        ),
    ]
    return chart_json(
        figure(
            data,
            barmode="group",
            yaxis={"range": [1, 5.6], "title": _("Mean (1–5)"), "dtick": 1},
            xaxis={"type": "category", "automargin": True},
            height=320,
        )
    )


def team_heatmap(diagnosis: Diagnosis, chosen: int | None = None) -> str | None:
    """Teams x dimensions of the newest campaign, as on the results page (hidden rows blank)."""
    pulse = diagnosis.pulse
    teams, _ = diagnosis.pulse_teams(chosen)
    if pulse is None or not teams or not pulse.dimensions:
        return None
    return heatmap_chart(teams, pulse.dimensions, pulse.min_group_size)


def enps_chart(diagnosis: Diagnosis) -> str | None:
    pulse = diagnosis.pulse
    if pulse is None or not pulse.asks_recommend:
        return None
    return enps_trend_chart(pulse.series)


def response_rate_chart(diagnosis: Diagnosis) -> str | None:
    """Everyone's response rate per campaign, with the 60 % line under which to worry."""
    pulse = diagnosis.pulse
    if pulse is None:
        return None
    series = pulse.series
    x = [campaign_label(campaign) for campaign, _ in series]
    y = [
        round(group.response_rate, 1)
        if group is not None and group.response_rate is not None
        else None
        for _, group in series
    ]
    data = [
        go.Scatter(
            x=x,
            y=y,
            name=_("Response rate"),
            mode="lines+markers",
            connectgaps=False,
            line={"color": COLORS["leaders"], "width": 3},
            hovertemplate="%{y:.0f}%<extra></extra>",
        ),
        go.Scatter(
            x=[x[0], x[-1]] if x else [],
            y=[LOW_RESPONSE_RATE, LOW_RESPONSE_RATE],
            name=_(
                "%(rate)s%% — below this, read with care", rate=format_number(LOW_RESPONSE_RATE, 0)
            ),
            mode="lines",
            line={"color": COLORS["target"], "dash": "dash", "width": 2},
            hoverinfo="skip",
        ),
    ]
    return chart_json(
        figure(
            data,
            yaxis={"range": [0, 105], "title": _("% of staff asked")},
            xaxis={"type": "category"},
            height=300,
        )
    )
