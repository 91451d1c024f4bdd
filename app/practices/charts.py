"""Plotly figures of the 360, from a report whose observer figures are already through the rules.

Nothing suppressed reaches a figure: a trace is built only from values the
report shows, so the chart data (``data-chart`` JSON) can never hold more
than the tables beneath the charts.
"""

from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _

from app.charts import COLORS, chart_json, figure, wrap_label
from app.i18n import current_language
from survey.practice_scoring import BehaviourScore, PracticeReport
from survey.practice_team_view import TeamView
from survey.scoring import rounded

LABEL_LENGTH = 48


def short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def practice_profile(report: PracticeReport) -> str:
    """Self vs observers per practice, on the 6-60 practice scale."""
    names = [_(score.practice.name) for score in report.practices]
    data = [
        go.Bar(
            name=_("Self"),
            x=names,
            y=[score.self_score for score in report.practices],
            marker_color=COLORS["self"],
        )
    ]
    if report.observers_shown:
        data.append(
            go.Bar(
                name=_("Observers (n = %(n)s)", n=report.observer_n),
                x=names,
                y=[round(score.observers or 0, 1) for score in report.practices],
                marker_color=COLORS["observers"],
            )
        )
    return chart_json(
        figure(
            data,
            barmode="group",
            yaxis={"range": [6, 60], "title": _("Practice score (6–60)")},
            title=_("Practice profile"),
        )
    )


def _label(score: BehaviourScore) -> str:
    """The numbered statement in the page's language, as the report's tables number it."""
    wording = score.behaviour.self_wording(current_language())
    return wrap_label(
        _("%(number)s. %(statement)s", number=score.behaviour.number, statement=wording), 30
    )


def strongest_and_weakest(report: PracticeReport) -> str:
    """The five strongest and five weakest behaviours, by observers (or self while hidden)."""
    by_observers = report.ranked_by == "observers"
    data = []
    for name, rows, color in (
        (_("Strongest"), report.strongest, COLORS["ok"]),
        (_("Weakest"), report.weakest, COLORS["target"]),
    ):
        values = [row.observers if by_observers else row.self_value for row in rows]
        data.append(
            go.Bar(
                name=name,
                orientation="h",
                y=[_label(row) for row in rows],
                x=[round(value or 0, 1) for value in values],
                marker_color=color,
            )
        )
    if by_observers:
        ranked = [*report.strongest, *report.weakest]
        data.append(
            go.Scatter(
                name=_("Self"),
                mode="markers",
                y=[_label(row) for row in ranked],
                x=[row.self_value for row in ranked],
                marker={"color": COLORS["self"], "symbol": "diamond", "size": 10},
            )
        )
    axis = (
        _("Rating 1–10 (observers' mean)") if by_observers else _("Rating 1–10 (your own rating)")
    )
    return chart_json(
        figure(
            data,
            xaxis={"range": [1, 10.5], "title": axis, "automargin": True},
            yaxis={"autorange": "reversed", "automargin": True},
            title=_("Five strongest and five weakest behaviours"),
            height=460,
            margin={"l": 16, "r": 16, "t": 40, "b": 40},
        )
    )


def team_profile(view: TeamView) -> str:
    """The leadership team's average practice scores: self, and observers once any may be shown."""
    names = [_(item.practice.name) for item in view.practices]
    data = [
        go.Bar(
            name=_("Leaders' self scores"),
            x=names,
            y=[rounded(item.self_mean, 1) for item in view.practices],
            marker_color=COLORS["self"],
        )
    ]
    if any(item.observers_mean is not None for item in view.practices):
        data.append(
            go.Bar(
                name=_("Observers"),
                x=names,
                y=[rounded(item.observers_mean, 1) for item in view.practices],
                marker_color=COLORS["observers"],
            )
        )
    return chart_json(
        figure(
            data,
            barmode="group",
            yaxis={"range": [6, 60], "title": _("Average practice score (6–60)")},
            title=_("Leadership team"),
        )
    )
