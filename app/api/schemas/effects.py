"""Did the action work? (``GET /api/v1/initiatives/<id>/effects``).

Built from the same :class:`app.services.effect_readings.ActionEffect` as the action's page, the
dashboard's "Did it work?" panel and the Monday digest: a difference in differences of the
teams an action touched against the teams it did not (``insights.effects``). The metric
side reads adoption under the small-team rule and the pulse side only published, shown
groups, so the API shows no figure the pages hide.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from app.api.schemas.base import ApiModel
from app.api.schemas.organizations import StepKey
from app.services.effect_readings import ActionEffect as ActionEffectResult
from app.services.effect_readings import EffectLine as EffectLineResult
from insights.effects import EffectState


class EffectLine(ApiModel):
    """One measure tied to the action: the change in the touched teams minus the change in
    the others, with its 95% interval, or why there is none yet."""

    measure: str = Field(description="the adoption metric's name, or a pulse dimension's")
    kind: Literal["metric", "pulse"] = Field(
        description="'metric': weekly adoption figures; 'pulse': published pulse campaigns"
    )
    state: EffectState = Field(
        description="'better' or 'worse' (the interval excludes 0, judged by the measure's "
        "direction), 'noise' (it includes 0), 'too_early', 'no_comparison' (every team "
        "touched, or too few untouched teams with figures), 'no_before' (no figures before)"
    )
    estimate: float | None = Field(
        description="the touched teams' change minus the others', in the measure's unit; "
        "null unless state is better, worse or noise"
    )
    low: float | None = Field(description="95% interval, pooled two-sample t")
    high: float | None
    treated_change: float | None = Field(
        description="the touched teams' own mean change (after minus before), also given "
        "without comparison teams; null while too early or without figures"
    )
    treated_n: int = Field(description="touched teams (or folded groups) with figures both sides")
    comparison_n: int = Field(
        description="untouched teams (or folded groups) with figures both sides"
    )
    periods_before: int = Field(description="weeks ('metric') or campaigns ('pulse') before")
    periods_after: int = Field(description="weeks ('metric') or campaigns ('pulse') after")
    more_needed: int = Field(
        description="too_early: how many more weeks or campaigns are needed; else 0"
    )
    words: str = Field(description="the result in one plain sentence, as the pages say it")

    @classmethod
    def of(cls, line: EffectLineResult) -> EffectLine:
        effect = line.effect
        return cls(
            measure=line.measure, kind="pulse" if line.kind == "pulse" else "metric",
            state=effect.state, estimate=effect.estimate, low=effect.low, high=effect.high,
            treated_change=effect.treated_change, treated_n=effect.treated_n,
            comparison_n=effect.comparison_n, periods_before=effect.periods_before,
            periods_after=effect.periods_after, more_needed=effect.more_needed, words=line.words,
        )  # fmt: skip


class ActionEffect(ApiModel):
    """A done action (a step action, or a "you said, we did" entry) and its effect on the
    measures tied to its Kotter step."""

    kind: Literal["step", "survey"] = Field(
        description="'step': a Kotter step action; 'survey': a \"you said, we did\" entry"
    )
    id: int = Field(description="the action's id, or the entry's (ids of each kind)")
    title: str = Field(description='a "you said, we did" entry: its first words')
    step: StepKey | None = Field(description="the Kotter step it belongs to, if known")
    done_on: date
    teams: str = Field(description="the teams it touched, by name, or 'every team'")
    url: str = Field(description="its page in the app, from the site root")
    known: bool = Field(description="whether any line is better, worse or noise")
    lines: list[EffectLine] = Field(
        description="a step action: adoption first, then its step's pulse dimensions; an "
        "entry: its pulse dimension first, then adoption"
    )

    @classmethod
    def of(cls, found: ActionEffectResult) -> ActionEffect:
        return cls(
            kind="survey" if found.kind == "survey" else "step",
            id=found.action_id,
            title=found.title,
            step=found.stage_key,  # one of the eight step keys, checked by pydantic
            done_on=found.done_on,
            teams=found.teams,
            url=found.path,
            known=found.known,
            lines=[EffectLine.of(line) for line in found.lines],
        )
