"""A small language for labelled rollouts, built through the same paths real data take.

A :class:`Rollout` describes one organisation's CRM rollout: the Kotter step
statuses and evidence, the leaders' latest ratings, the pulse dimension means
per team and the weekly adoption curve per team (and for the whole
initiative). :func:`build` turns it into rows the way the product does:

- organisation, initiative and teams with the test builders;
- step statuses and evidence through ``app.services.stages`` (``update_stage``,
  ``tick_evidence``), ratings through an assessment round (``create_round``,
  ``save_ratings`` per leader);
- pulse answers through the submission hot path (``record_response``), for a
  campaign over the chosen teams, then published as the tick would;
- adoption through the metrics JSON API with a bearer token, after setting the
  adoption metric's target and target date in the catalogue.

Pulse answers are a fixed mix of 1-5 values per team and dimension whose mean
is the wanted one (to the nearest 1/n); reverse-worded items get the mirrored
raw value, so every item of a dimension recodes to the same score. Adoption
curves are a smooth shape observed as real weekly figures are: people adopt one
at a time and each is away some weeks (:data:`PRESENCE`), drawn from a fixed
seed per rollout and team.

:class:`Expect` is a pattern over findings; :func:`score` counts, for one
diagnosis, the expected findings found and the findings labelled wrong.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from flask import current_app

from app.services import metrics, stages
from app.services.diagnosis import Diagnosis, diagnose
from app.services.responses import record_response
from app.services.stages import RatingInput
from insights.adoption import ADOPTION_RATE
from insights.diagnosis import Finding
from insights.kotter import STEP_KEYS
from models import Initiative, Role, Survey, Team, User, db
from survey.instruments import AGREE5, DIMENSIONS_BY_KEY, RECOMMEND10
from tests import builders
from tests.builders import make_campaign, make_survey, publish

# --- the calendar every rollout shares --------------------------------------------------

START = date(2026, 3, 2)  # the initiative starts (a Monday)
GO_LIVE = date(2026, 6, 1)  # go-live, and the first week of adoption figures (a Monday)
TARGET_WEEKS = 30  # the adoption target is due 30 weeks after go-live ...
TARGET_DATE = GO_LIVE + timedelta(weeks=TARGET_WEEKS)  # ... on 28 Dec 2026
WEEKS = 20  # weeks of adoption figures: 1 Jun to 12 Oct 2026
TARGET = 80.0  # % of seats (per team: of headcount) doing real work in the CRM each week


def week(index: int) -> date:
    """The Monday of adoption week ``index`` (0 = go-live week)."""
    return GO_LIVE + timedelta(weeks=index)


def today_after(weeks: int) -> date:
    """The Monday after the last of ``weeks`` weekly figures: the day the diagnosis is read."""
    return week(weeks)


# --- adoption curves ----------------------------------------------------------------------


# Of the people who work in the CRM, the share active in any one week (leave, sickness,
# training days): the main source of week-to-week noise in a team's adoption rate.
PRESENCE = 0.92


@dataclass(frozen=True)
class Curve:
    """Expected adoption (%) in week t (0 = go-live week), observed with realistic noise.

    For a group of ``people`` (a team's headcount, the initiative's seats), the curve
    is the expected share active: that many have adopted (curve / PRESENCE) and each of
    them is active in a given week with probability ``PRESENCE``, so values move in
    steps of one person and wobble as people are away. Without ``people``: Gaussian
    noise of ``sd`` points.
    """

    shape: Callable[[int], float]
    sd: float = 1.2
    label: str = ""
    # (week, people): in that week (negative: from the end) this many more users are away.
    away: tuple[tuple[int, int], ...] = ()

    def values(
        self, weeks: int, rng: np.random.Generator, people: int | None = None
    ) -> list[float]:
        extra = {(w if w >= 0 else weeks + w): n for w, n in self.away}
        if people:
            found = []
            for t in range(weeks):
                share = min(max(self.shape(t) / 100 / PRESENCE, 0.0), 1.0)
                adopted = round(share * people)
                active = max(int(rng.binomial(adopted, PRESENCE)) - extra.get(t, 0), 0)
                found.append(round(100 * active / people, 1))
            return found
        noise = rng.normal(0.0, self.sd, size=weeks)
        return [
            round(min(100.0, max(0.0, self.shape(t) + float(noise[t]))), 1) for t in range(weeks)
        ]


def with_leave(curve: Curve, week: int, people: int) -> Curve:
    """``curve`` with ``people`` more users away in ``week`` (negative: from the end)."""
    return replace(curve, away=(*curve.away, (week, people)), label=f"{curve.label}, leave")


def on_path(start: float = 8.0, pace: float = 1.05, sd: float = 1.2) -> Curve:
    """A straight rise at ``pace`` times the speed of the path from ``start`` to the target."""
    per_week = (TARGET - start) / TARGET_WEEKS * pace
    return Curve(lambda t: start + per_week * t, sd, f"on path x{pace}")


def linear(start: float, per_week: float, sd: float = 1.2) -> Curve:
    return Curve(lambda t: start + per_week * t, sd, f"linear {per_week}/week")


def levels_off(start: float, level: float, rise_weeks: int, sd: float = 1.2) -> Curve:
    """A straight rise from ``start`` to ``level`` over ``rise_weeks``, then flat."""
    per_week = (level - start) / rise_weeks
    return Curve(lambda t: start + per_week * min(t, rise_weeks), sd, f"levels off at {level}")


def rise_then_fall(
    start: float, peak: float, peak_week: int, fall: float, sd: float = 1.2
) -> Curve:
    """A rise to ``peak`` by ``peak_week``, then a fall of ``fall`` points a week."""
    per_week = (peak - start) / peak_week
    return Curve(
        lambda t: start + per_week * t if t <= peak_week else peak - fall * (t - peak_week),
        sd,
        f"falls {fall}/week after week {peak_week}",
    )


def s_curve(base: float, level: float, midpoint: float, width: float, sd: float = 1.0) -> Curve:
    """A logistic S-curve from ``base`` towards ``level``, fastest at ``midpoint``."""
    return Curve(
        lambda t: base + (level - base) / (1 + math.exp(-(t - midpoint) / width)),
        sd,
        f"S-curve to {level}, midpoint week {midpoint}",
    )


# --- the rollout ----------------------------------------------------------------------------

# What staff say when nothing is wrong: the mean each asked dimension has unless a team says
# otherwise (after reverse coding; resistance drivers read "higher = more of the worry").
CONTENT: dict[str, float] = {
    **{key: 3.9 for key in DIMENSIONS_BY_KEY if key.startswith(("kotter_", "adoption_", "crl_"))},
    **{key: 3.9 for key in DIMENSIONS_BY_KEY if key.startswith(("adkar_", "customer_"))},
    **{key: 2.3 for key in DIMENSIONS_BY_KEY if key.startswith("resistance_")},
}


@dataclass(frozen=True)
class TeamSpec:
    name: str
    headcount: int = 12
    pulse: Mapping[str, float] = field(default_factory=dict)  # dimension -> mean, overrides
    respondents: int = 6
    adoption: Curve | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Rollout:
    steps: Mapping[str, str]  # step key -> status; the steps not named are not started
    ratings: Mapping[str, Sequence[int]] = field(default_factory=dict)  # leader i's score: [i]
    teams: Sequence[TeamSpec] = ()
    survey: Sequence[str] | None = None  # the pulse's dimensions; None: no pulse at all
    # Evidence ticked per step; by default every item of a done step, half of one in progress.
    evidence: Mapping[str, int] = field(default_factory=dict)
    weeks: int = WEEKS
    whole: Curve | str | None = None  # the whole initiative: a curve, "teams" (their mean), None
    target: float = TARGET
    target_date: date = TARGET_DATE
    overdue_actions: Sequence[str] = ()  # one overdue action per step key listed
    # An earlier campaign of the same survey, four weeks before the latest: what every
    # team answered then (overrides of CONTENT). None: the latest campaign is the only one.
    earlier: Mapping[str, float] | None = None
    seed: int = 0

    @property
    def today(self) -> date:
        return today_after(self.weeks)

    @property
    def leaders(self) -> int:
        return max((len(scores) for scores in self.ratings.values()), default=0)


def rated(mean: float, leaders: int) -> list[int]:
    """``leaders`` whole-number ratings (1-5) whose mean is ``mean`` to the nearest 1/n."""
    total = min(max(round(mean * leaders), leaders), 5 * leaders)
    whole, extra = divmod(total, leaders)
    return [whole + 1] * extra + [whole] * (leaders - extra)


def answer_mix(mean: float, n: int) -> list[int]:
    """``n`` answers on the 1-5 scale with mean ``mean`` (to the nearest 1/n) and some spread."""
    values = rated(mean, n)
    for high in range(0, n // 2, 2):  # every other pair from the ends moves a point apart
        low = n - 1 - high
        if values[high] < 5 and values[low] > 1:
            values[high] += 1
            values[low] -= 1
    return values


@dataclass
class Built:
    rollout: Rollout
    initiative: Initiative
    teams: dict[str, Team]
    leaders: list[User]
    pulse_means: dict[str, dict[str, float]]  # team -> dimension -> the mean answered
    adoption: dict[str | None, list[float]]  # team (None: whole initiative) -> weekly values

    def diagnose(self, today: date | None = None) -> Diagnosis:
        return diagnose(self.initiative, today or self.rollout.today)


def _seed(rollout_seed: int, name: str) -> int:
    return zlib.crc32(f"{rollout_seed}:{name}".encode())


def build(rollout: Rollout, name: str = "") -> Built:
    """Every row of ``rollout``, through the services and the API the product uses."""
    organization = builders.make_organization(f"Scenario {name}".strip())
    consultant = builders.make_user(organization=organization, role=Role.CONSULTANT)
    leaders = [
        builders.make_user(organization=organization, name=f"Leader {n + 1}")
        for n in range(rollout.leaders)
    ]
    initiative = builders.make_initiative(
        organization,
        name=f"CRM rollout {name}".strip(),
        start_date=START,
        go_live_date=GO_LIVE,
        licensed_seats=sum(spec.headcount for spec in rollout.teams) or 100,
    )
    teams: dict[str, Team] = {}
    for spec in rollout.teams:
        parent = teams[spec.parent].id if spec.parent else None
        teams[spec.name] = builders.make_team(
            organization, spec.name, headcount=spec.headcount, parent_id=parent
        )
    _steps(initiative, rollout, consultant)
    _ratings(initiative, rollout, leaders, consultant)
    _actions(initiative, rollout, consultant)
    db.session.commit()
    pulse_means = _pulse(initiative, rollout, teams) if rollout.survey is not None else {}
    adoption = _adoption(initiative, rollout, consultant)
    db.session.expire_all()
    return Built(rollout, initiative, teams, leaders, pulse_means, adoption)


def _steps(initiative: Initiative, rollout: Rollout, by: User) -> None:
    unknown = set(rollout.steps) - set(STEP_KEYS)
    assert not unknown, f"unknown steps {unknown}"
    for stage in stages.ensure_stages(initiative):
        status = rollout.steps.get(stage.key, "not_started")
        if status != "not_started":
            stages.update_stage(stage, status=status, owner=None, target_date=None, notes="", by=by)
        items = stages.evidence_of(stage)
        default = {"done": len(items), "in_progress": (len(items) + 1) // 2}.get(status, 0)
        for item in items[: rollout.evidence.get(stage.key, default)]:
            stages.tick_evidence(item, True, by)


def _ratings(initiative: Initiative, rollout: Rollout, leaders: list[User], by: User) -> None:
    if not rollout.ratings:
        return
    held_on = rollout.today - timedelta(days=10)
    assessment = stages.create_round(initiative, "Leadership review", held_on, by)
    for index, leader in enumerate(leaders):
        scores = {
            key: RatingInput(given[index])
            for key, given in rollout.ratings.items()
            if index < len(given)
        }
        stages.save_ratings(assessment, stages.rater_key(leader), leader.name, scores)


def _actions(initiative: Initiative, rollout: Rollout, by: User) -> None:
    for key in rollout.overdue_actions:
        stages.save_action(
            initiative,
            stage_key=key,
            title=f"Follow up on {key}",
            owner=by,
            due_date=rollout.today - timedelta(days=14),
            status="open",
            by=by,
        )


# --- the pulse --------------------------------------------------------------------------------


def _pulse(
    initiative: Initiative, rollout: Rollout, teams: Mapping[str, Team]
) -> dict[str, dict[str, float]]:
    """The published campaign two weeks before ``today`` (after the earlier one, if any)."""
    assert rollout.survey is not None
    survey = make_survey(initiative, list(rollout.survey), title="Rollout pulse")
    if rollout.earlier is not None:
        earlier = dict(rollout.earlier)
        _campaign(survey, rollout, teams, rollout.today - timedelta(days=42), lambda _: earlier)
    return _campaign(survey, rollout, teams, rollout.today - timedelta(days=14), lambda s: s.pulse)


def _campaign(
    survey: Survey,
    rollout: Rollout,
    teams: Mapping[str, Team],
    opens_on: date,
    overrides: Callable[[TeamSpec], Mapping[str, float]],
) -> dict[str, dict[str, float]]:
    """One campaign over the teams with respondents, answered team by team, then published."""
    asked = [spec for spec in rollout.teams if spec.respondents > 0]
    opens = datetime.combine(opens_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    campaign = make_campaign(survey, {teams[spec.name]: spec.headcount for spec in asked}, opens)
    day = opens_on + timedelta(days=2)
    dimensions = [DIMENSIONS_BY_KEY[key] for key in survey_keys(rollout)]
    achieved: dict[str, dict[str, float]] = {}
    for spec in asked:
        n = spec.respondents
        given = overrides(spec)
        means = {
            d.key: given.get(d.key, CONTENT.get(d.key, 3.5))
            for d in dimensions
            if any(item.scale == AGREE5 for item in d.items)
        }
        unknown = set(given) - set(means)
        assert not unknown, f"{spec.name}: {unknown} not asked by the survey"
        mixes = {key: answer_mix(mean, n) for key, mean in means.items()}
        achieved[spec.name] = {key: sum(mix) / n for key, mix in mixes.items()}
        for person in range(n):
            answers: dict[str, int] = {}
            for offset, dimension in enumerate(dimensions):
                for item in dimension.items:
                    if item.scale == RECOMMEND10:
                        answers[item.key] = 5 + (person * 3 + offset) % 6
                    elif item.scale == AGREE5:
                        value = mixes[dimension.key][(person + offset) % n]
                        answers[item.key] = 6 - value if item.reverse else value
            record_response(campaign.id, teams[spec.name].id, answers, None, day)
    db.session.commit()
    publish(campaign)
    return achieved


def survey_keys(rollout: Rollout) -> list[str]:
    return list(rollout.survey or ())


# --- adoption -----------------------------------------------------------------------------------


def _adoption(
    initiative: Initiative, rollout: Rollout, consultant: User
) -> dict[str | None, list[float]]:
    """Weekly adoption per team (and the whole initiative), posted to the metrics API."""
    series: dict[str | None, list[float]] = {}
    for spec in rollout.teams:
        if spec.adoption is not None:
            rng = np.random.default_rng(_seed(rollout.seed, spec.name))
            series[spec.name] = spec.adoption.values(rollout.weeks, rng, spec.headcount)
    if isinstance(rollout.whole, Curve):
        rng = np.random.default_rng(_seed(rollout.seed, "whole"))
        series[None] = rollout.whole.values(rollout.weeks, rng, initiative.licensed_seats)
    elif rollout.whole == "teams":
        sizes = {spec.name: spec.headcount for spec in rollout.teams if spec.name in series}
        total = sum(sizes.values())
        series[None] = [
            round(sum(series[name][t] * size for name, size in sizes.items()) / total, 1)
            for t in range(rollout.weeks)
        ]
    if not series:
        return series
    metric = metrics.metric_by_key(initiative, ADOPTION_RATE) or next(
        m for m in metrics.ensure_catalogue(initiative) if m.key == ADOPTION_RATE
    )
    metrics.set_target(metric, rollout.target, rollout.target_date)
    headers = builders.api_headers(consultant)
    observations = [
        {"date": week(t).isoformat(), "team": name or "", "metric": ADOPTION_RATE, "value": value}
        for name, values in series.items()
        for t, value in enumerate(values)
    ]
    response = current_app.test_client().post(
        f"/api/v1/initiatives/{initiative.id}/metrics",
        json={"observations": observations},
        headers=headers,
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.get_json() == {"imported": len(observations)}
    return series


# --- expectations -------------------------------------------------------------------------------

ANY: Any = object()  # a pattern field that matches whatever the finding has


@dataclass(frozen=True)
class Expect:
    """A pattern over findings: kind, step, team, severity and words in title or evidence.

    ``step=None`` asks for a finding pointing at no step, a set of steps for one
    pointing at any of them; ``team=None`` for one naming no team; ``ANY`` (the
    default) does not look.
    """

    kind: str | Any = ANY
    step: str | frozenset[str] | None | Any = ANY
    team: str | None | Any = ANY
    severity: str | frozenset[str] | Any = ANY
    text: str | Any = ANY  # in the title, the evidence or the suggestion

    def matches(self, finding: Finding) -> bool:
        if self.kind is not ANY and finding.kind != self.kind:
            return False
        if isinstance(self.step, frozenset):
            if finding.step not in self.step:
                return False
        elif self.step is not ANY and finding.step != self.step:
            return False
        if self.team is not ANY:
            if self.team is None and finding.teams:
                return False
            if self.team is not None and self.team not in finding.teams:
                return False
        if self.severity is not ANY:
            allowed = {self.severity} if isinstance(self.severity, str) else self.severity
            if finding.severity not in allowed:
                return False
        if self.text is not ANY:
            words = f"{finding.title} {finding.evidence} {finding.suggestion}"
            if self.text not in words:
                return False
        return True

    def __str__(self) -> str:
        shown = {
            name: getattr(self, name)
            for name in ("kind", "step", "team", "severity", "text")
            if getattr(self, name) is not ANY
        }
        return "Expect(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"


HIGH = frozenset({"high"})


@dataclass
class Outcome:
    """One scenario's score: the expected findings found, and the findings labelled wrong."""

    scenario: str
    must: int
    found: int
    produced: int
    wrong: int
    missed: list[str] = field(default_factory=list)
    offending: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # every finding produced, described
    evidence: list[str] = field(default_factory=list)  # and what each says


def describe(finding: Finding) -> str:
    teams = f" teams={list(finding.teams)}" if finding.teams else ""
    return f"[{finding.severity} {finding.kind} step={finding.step}{teams}] {finding.title}"


def score(
    scenario: str, found: Sequence[Finding], must: Sequence[Expect], must_not: Sequence[Expect]
) -> Outcome:
    missed = [str(pattern) for pattern in must if not any(pattern.matches(f) for f in found)]
    offending = [
        f"{describe(f)} matches {pattern}"
        for f in found
        for pattern in must_not
        if pattern.matches(f)
    ]
    wrong = sum(1 for f in found if any(pattern.matches(f) for pattern in must_not))
    return Outcome(
        scenario,
        must=len(must),
        found=len(must) - len(missed),
        produced=len(found),
        wrong=wrong,
        missed=missed,
        offending=offending,
        findings=[describe(f) for f in found],
        evidence=[f"{f.evidence} -> {f.suggestion}" for f in found],
    )
