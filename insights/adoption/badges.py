"""The badge beside a metric: how far from its target, which way it is going, on how many weeks.

"Short of target" on 84.4 % against 85 % and on 20 % against 85 % says nothing; the
badge names the distance in the metric's own unit, the trend's direction and the
number of weeks behind the trend.
"""

from __future__ import annotations

from dataclasses import dataclass

from insights.translation import N_, _, ngettext, number

TREND_WORDS = {"rising": N_("rising"), "plateau": N_("flat"), "declining": N_("falling")}


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str  # "ok" | "warn" | "muted": the CSS badge class, never the only cue


def _distance(gap: float, unit: str) -> str:
    if unit == "%":
        return _("%(points)s points", points=number(gap, 1))
    return f"{number(gap, 1)} {unit}".rstrip()


def target_badge(
    value: float | None,
    target: float | None,
    *,
    higher_is_better: bool = True,
    unit: str = "",
    trend: str | None = None,
    weeks: int | None = None,
) -> Badge:
    """E.g. "1.6 points below target, rising (12 weeks)", "on target", "no data yet".

    ``trend`` is a :class:`~insights.trends.Trend` label ("rising", "plateau",
    "declining" or None for too few weeks); ``weeks`` the periods it was read over.
    """
    if value is None:
        return Badge(_("no data yet"), "muted")
    if target is None:
        return Badge(_("no target set"), "muted")
    gap = target - value if higher_is_better else value - target
    if gap <= 0:
        return Badge(_("on target"), "ok")
    distance = _distance(gap, unit)
    if higher_is_better:
        text = _("%(distance)s below target", distance=distance)
    else:
        text = _("%(distance)s above target", distance=distance)
    if trend in TREND_WORDS:
        text += f", {_(TREND_WORDS[trend])}"
    if weeks:
        text += " (" + ngettext("%(num)s week", "%(num)s weeks", weeks) + ")"
    return Badge(text, "warn")
