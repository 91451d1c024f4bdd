"""The figures an action's effect reads, and the effect of each action from them.

``app.services.effects`` picks the actions; ``Readings`` loads what one initiative's
effects read, each measure once, and estimates each action's effect with
``insights.effects.estimate_effect``:

- metric series per team go through ``fold_team_points``, the small-team rule of the
  metric pages: a folded team's values are its folded group's, a touched folded team
  makes its whole group touched, and a team counted in the whole initiative only is
  left out of the estimate;
- pulse series are the published, shown team groups of the initiative's published
  campaigns (period: the day the campaign closed). A published team group covers the
  team and its sub-teams, so a group above a touched team (touched and untouched
  people together) counts on neither side.

"Touched" means the chosen teams and their sub-teams; no team chosen means every team.
Each measure costs one query per initiative, whatever the number of actions or teams.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import cast

from flask_babel import gettext
from sqlalchemy import select

from app.services.diagnosis.usage import headline_metric
from app.services.metrics.readings import TeamTree, fold_team_points
from app.services.results import RECOMMEND_KEY, min_group_size
from app.services.results.groups import dimension_title
from app.services.results.team_means import published_team_means
from insights.adoption import USAGE
from insights.effect_words import effect_words
from insights.effects import (
    BEFORE_WEEKS,
    KNOWN_STATES,
    Effect,
    Series,
    estimate_effect,
    week_monday,
)
from models import Action, Initiative, Metric, Observation, SurveyAction, Team, db
from survey.instruments import DIMENSIONS_BY_KEY
from survey.languages import N_

STEP = "step"
SURVEY = "survey"
EVERY_TEAM = N_("every team")  # translated where it is read (team_names)
# The weekly figures an action's estimate can read start this long before its week.
BEFORE_SPAN = timedelta(weeks=BEFORE_WEEKS)


@dataclass(frozen=True)
class EffectLine:
    measure: str  # "Adoption rate" or a pulse dimension's name
    kind: str  # "metric" | "pulse"
    effect: Effect
    words: str  # effect_words(...)

    @property
    def known(self) -> bool:
        return self.effect.state in KNOWN_STATES


@dataclass(frozen=True)
class ActionEffect:
    kind: str  # "step" (Kotter step action) | "survey" ("you said, we did")
    action_id: int
    title: str
    stage_key: str | None
    done_on: date
    teams: str  # "every team" or "Claims, Sales"
    path: str  # the action's page in the app, e.g. "/actions/12/edit"
    lines: list[EffectLine] = field(default_factory=list)

    @property
    def known(self) -> bool:
        """Whether any measure's effect is now known (better, worse or noise)."""
        return any(line.known for line in self.lines)

    @property
    def headline(self) -> EffectLine | None:
        """The line the dashboard shows: the adoption metric (a survey entry: its dimension)."""
        return self.lines[0] if self.lines else None


def _short(text: str, limit: int = 90) -> str:
    """A "we did" as a title: its first ``limit`` characters, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


@dataclass(frozen=True)
class _MetricSeries:
    metric: Metric
    series: list[Series]
    # Each team's group in the estimate: itself, the shown team it is folded into, or
    # None (counted in the whole initiative only, or no figures).
    group_of: Mapping[int, int | None]


class Readings:
    """The figures one initiative's effects read, each loaded once when first needed."""

    def __init__(self, initiative: Initiative, earliest_done: date | None = None) -> None:
        self.initiative = initiative
        # Weekly figures older than the first "before" window are never read.
        self.first_week = (
            None if earliest_done is None else week_monday(earliest_done) - BEFORE_SPAN
        )

    @cached_property
    def tree(self) -> tuple[TeamTree, frozenset[int]]:
        """Every team of the organisation (archived ones too), and the active ones."""
        rows = db.session.execute(
            select(Team.id, Team.name, Team.parent_id, Team.headcount, Team.archived_at).where(
                Team.organization_id == self.initiative.organization_id
            )
        ).all()
        tree = TeamTree(
            {row.id: row.name for row in rows},
            {row.id: row.parent_id for row in rows},
            {row.id: row.headcount for row in rows},
        )
        return tree, frozenset(row.id for row in rows if row.archived_at is None)

    @cached_property
    def children(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for team, parent in self.tree[0].parents.items():
            if parent is not None:
                found.setdefault(parent, []).append(team)
        return found

    def with_sub_teams(self, teams: Iterable[int]) -> set[int]:
        found: set[int] = set()
        todo = list(teams)
        while todo:
            team = todo.pop()
            if team not in found:
                found.add(team)
                todo.extend(self.children.get(team, ()))
        return found

    def above(self, teams: Iterable[int]) -> set[int]:
        """The teams strictly above any of ``teams`` (their parents, their parents' ...)."""
        parents = self.tree[0].parents
        found: set[int] = set()
        for team in teams:
            parent = parents.get(team)
            while parent is not None and parent not in found:
                found.add(parent)
                parent = parents.get(parent)
        return found

    def team_names(self, teams: Collection[int]) -> str:
        if not teams:
            return str(gettext(EVERY_TEAM))
        names = self.tree[0].names
        removed = gettext("a removed team")
        return ", ".join(sorted((names.get(t, removed) for t in teams), key=str.casefold))

    # -- the adoption metric ---------------------------------------------------------------

    @cached_property
    def metric(self) -> _MetricSeries | None:
        metric = headline_metric(
            db.session.scalars(
                select(Metric).where(
                    Metric.initiative_id == self.initiative.id, Metric.category == USAGE
                )
            )
        )
        if metric is None:
            return None
        by_team: dict[int, tuple[list[date], list[float]]] = {}
        rows = db.session.execute(
            select(Observation.team_id, Observation.period, Observation.value)
            .where(
                Observation.metric_id == metric.id,
                Observation.team_id.is_not(None),
                Observation.period >= (self.first_week or date.min),
            )
            .order_by(Observation.period)
        )
        for team_id, period, value in rows:
            periods, values = by_team.setdefault(cast(int, team_id), ([], []))
            periods.append(period)
            values.append(value)
        tree, active = self.tree
        folded = fold_team_points(tree, by_team, min_group_size())
        group_of: dict[int, int | None] = {}
        series = []
        for target, (periods, values) in folded.series.items():
            if target not in active:  # archived teams are history, as on the dashboard
                continue
            group_of[target] = target
            # One value a week (its Monday), as the estimate reads weeks.
            series.append(
                Series(target, {week_monday(p): v for p, v in zip(periods, values, strict=True)})
            )
        for into, members in folded.folded.items():
            for member in members:
                group_of[member] = into if into in group_of else None
        return _MetricSeries(metric, series, group_of)

    def metric_line(self, touched: set[int] | None, done_on: date, today: date) -> EffectLine:
        found = self.metric
        assert found is not None
        treated = None
        if touched is not None:
            treated = {g for t in touched if (g := found.group_of.get(t)) is not None}
        effect = estimate_effect(
            found.series,
            treated,
            done_on,
            today=today,
            kind="weekly",
            higher_is_better=found.metric.direction == "higher",
        )
        words = effect_words(effect, found.metric.name, found.metric.unit)
        return EffectLine(found.metric.name, "metric", effect, words)

    # -- pulse dimensions ------------------------------------------------------------------

    @cached_property
    def pulse(self) -> dict[str, dict[int, dict[date, float]]]:
        """Shown team groups' published means: dimension key -> team -> closing day -> mean."""
        found: dict[str, dict[int, dict[date, float]]] = {}
        for campaign in published_team_means(self.initiative.id):
            for key, by_team in campaign.by_dimension.items():
                if key not in DIMENSIONS_BY_KEY and key != RECOMMEND_KEY:
                    continue
                series = found.setdefault(key, {})
                for team_id, mean in by_team.items():
                    series.setdefault(team_id, {})[campaign.closes_on] = mean
        return found

    def pulse_line(
        self, key: str, touched: set[int] | None, done_on: date, today: date
    ) -> EffectLine | None:
        by_team = self.pulse.get(key)
        if not by_team:
            return None
        if key == RECOMMEND_KEY:
            name, higher, unit = "eNPS", True, "points"
        else:
            dimension = DIMENSIONS_BY_KEY[key]
            name = dimension_title(key, dimension.name)
            higher, unit = dimension.higher_is_better, ""
        mixed = set() if touched is None else self.above(touched) - touched
        series = [Series(team, points) for team, points in by_team.items() if team not in mixed]
        treated = None if touched is None else {s.group_id for s in series} & touched
        effect = estimate_effect(
            series, treated, done_on, today=today, kind="pulse", higher_is_better=higher
        )
        return EffectLine(name, "pulse", effect, effect_words(effect, name, unit))

    # -- the two kinds of action -----------------------------------------------------------

    def step_effect(self, action: Action, chosen: set[int], today: date) -> ActionEffect:
        assert action.done_at is not None
        done_on = action.done_at.date()
        touched = self.with_sub_teams(chosen) if chosen else None
        lines = [self.metric_line(touched, done_on, today)] if self.metric else []
        for key, dimension in DIMENSIONS_BY_KEY.items():
            if dimension.kotter_step == action.stage_key:
                line = self.pulse_line(key, touched, done_on, today)
                lines.extend([line] if line else [])
        return ActionEffect(
            STEP, action.id, action.title, action.stage_key, done_on,
            self.team_names(chosen), f"/actions/{action.id}/edit", lines,
        )  # fmt: skip

    def survey_effect(self, entry: SurveyAction, today: date) -> ActionEffect:
        assert entry.done_on is not None
        chosen = {entry.team_id} if entry.team_id is not None else set()
        touched = self.with_sub_teams(chosen) if chosen else None
        key = entry.dimension_key
        lines: list[EffectLine] = []
        if key in DIMENSIONS_BY_KEY or key == RECOMMEND_KEY:
            assert key is not None
            line = self.pulse_line(key, touched, entry.done_on, today)
            lines.extend([line] if line else [])
        if self.metric:
            lines.append(self.metric_line(touched, entry.done_on, today))
        dimension = DIMENSIONS_BY_KEY.get(key or "")
        return ActionEffect(
            SURVEY, entry.id, _short(entry.we_did), dimension.kotter_step if dimension else None,
            entry.done_on, self.team_names(chosen),
            f"/surveys/{entry.survey_id}/results#you-said-{entry.id}", lines,
        )  # fmt: skip
