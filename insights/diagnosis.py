"""Where is the rollout stalling, and why? The diagnosis across all sources.

Plain data in (already through the anonymity rules), findings out. Each
finding carries its evidence (numbers, periods, n) and a suggested action
tied to a Kotter step. No Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from scipy import stats

from insights.kotter import STEPS_BY_KEY
from insights.trends import Trend

# Weights of the parts of a step's health; missing parts are left out and the
# rest re-weighted, so a step with no staff pulse yet is judged on the others.
HEALTH_WEIGHTS = {"status": 0.30, "evidence": 0.20, "leaders": 0.25, "staff": 0.25}
STATUS_HEALTH = {"not_started": 0.0, "in_progress": 50.0, "done": 100.0}
# Below this a step is not holding up what is built on it.
STALL_HEALTH = 50.0
# Leaders and staff this far apart on the 1-5 scale see different rollouts.
GAP_POINTS = 1.0
# Fewer teams than this make a correlation across teams a hint, not a finding.
DRIVER_MIN_TEAMS = 8
DRIVER_ALPHA = 0.05
LOW_DIMENSION = 3.0

SUGGESTIONS = {
    "urgency": "Share the customer evidence (churn, complaints, slow answers) with every team, "
    "in their own numbers.",
    "coalition": "Bring sales, service, marketing and IT leads into a fortnightly rollout group "
    "with real authority.",
    "vision": "Agree one sentence on what customers will notice, and test it on front-line staff.",
    "communicate": "Give every manager a short talk track and ask them to use it weekly; "
    "answer staff questions in the open.",
    "empower": "Publish the obstacle log, remove the two most-cited obstacles this month, "
    "and switch off duplicate tools.",
    "wins": "Plan two visible wins for the next 90 days and credit the teams by name.",
    "consolidate": "Review adoption and data quality monthly and feed user ideas into the backlog.",
    "anchor": "Make the CRM part of onboarding and of how performance is discussed.",
}


def score_to_percent(mean: float) -> float:
    """A 1-5 mean on a 0-100 scale."""
    return (mean - 1) / 4 * 100


@dataclass(frozen=True)
class StageInput:
    key: str
    status: str
    evidence_done: int = 0
    evidence_total: int = 0
    leader_mean: float | None = None
    leader_n: int = 0
    staff_mean: float | None = None
    staff_n: int = 0


@dataclass(frozen=True)
class StageHealth:
    key: str
    health: float
    parts: dict[str, float]


def stage_health(stage: StageInput) -> StageHealth:
    """0-100 from status, evidence ticked, the leaders' and the staff's 1-5 ratings."""
    parts: dict[str, float] = {"status": STATUS_HEALTH[stage.status]}
    if stage.evidence_total:
        parts["evidence"] = 100 * stage.evidence_done / stage.evidence_total
    if stage.leader_mean is not None:
        parts["leaders"] = score_to_percent(stage.leader_mean)
    if stage.staff_mean is not None:
        parts["staff"] = score_to_percent(stage.staff_mean)
    weight = sum(HEALTH_WEIGHTS[name] for name in parts)
    health = sum(HEALTH_WEIGHTS[name] * value for name, value in parts.items()) / weight
    return StageHealth(stage.key, round(health, 1), parts)


def stall_point(stages: Sequence[StageInput], healths: Sequence[StageHealth]) -> str | None:
    """The first step, in order, below the health threshold while a later step is under way."""
    ordered = sorted(
        zip(stages, healths, strict=True), key=lambda p: STEPS_BY_KEY[p[0].key].position
    )
    for index, (_, health) in enumerate(ordered):
        if health.health >= STALL_HEALTH:
            continue
        if any(later.status != "not_started" for later, _ in ordered[index + 1 :]):
            return health.key
    return None


@dataclass(frozen=True)
class Gap:
    key: str
    leaders: float
    staff: float
    gap: float
    leader_n: int
    staff_n: int

    @property
    def large(self) -> bool:
        return abs(self.gap) >= GAP_POINTS


def perception_gaps(stages: Sequence[StageInput]) -> list[Gap]:
    """Leaders' mean against staff's mean per step, where both exist."""
    return [
        Gap(s.key, s.leader_mean, s.staff_mean, round(s.leader_mean - s.staff_mean, 2),
            s.leader_n, s.staff_n)
        for s in stages
        if s.leader_mean is not None and s.staff_mean is not None
    ]  # fmt: skip


@dataclass(frozen=True)
class SeriesInput:
    """One metric for one team (or the whole initiative, team None) over periods."""

    metric_key: str
    metric_name: str
    unit: str
    team: str | None
    periods: Sequence[str]
    values: Sequence[float]
    target: float | None
    higher_is_better: bool
    trend: Trend
    projected: str | None = None  # ISO date, or None when not on course

    def short_of_target(self) -> bool:
        if self.target is None or not self.values:
            return False
        latest = self.values[-1]
        return latest < self.target if self.higher_is_better else latest > self.target


@dataclass(frozen=True)
class TeamInput:
    """A team above the anonymity threshold: its adoption and its pulse dimension means.

    ``adoption_trend`` is the recent trend of the team's adoption, when known:
    a hotspot on a plateau or a decline says so, since that is what makes it a stall.
    """

    name: str
    respondents: int
    adoption: float | None
    adoption_target: float | None
    dimensions: Mapping[str, float]
    adoption_trend: Trend | None = None


@dataclass(frozen=True)
class Driver:
    dimension: str
    rho: float
    p: float
    teams: int
    caution: str | None
    # Bonferroni over the dimensions tested together: with a dozen dimensions and a
    # handful of teams one of them correlates strongly by chance.
    p_adjusted: float | None = None

    @property
    def significant(self) -> bool:
        return (self.p if self.p_adjusted is None else self.p_adjusted) < DRIVER_ALPHA


def drivers(teams: Sequence[TeamInput], dimension_names: Mapping[str, str]) -> list[Driver]:
    """Which pulse dimensions move with adoption across teams (Spearman's rank correlation).

    Strongest first; with few teams each figure comes with a caution, and every
    p-value with its Bonferroni adjustment for the number of dimensions tested.
    """
    found: list[Driver] = []
    for key in dimension_names:
        pairs = [
            (team.dimensions[key], team.adoption)
            for team in teams
            if key in team.dimensions and team.adoption is not None
        ]
        if len(pairs) < 3:
            continue
        xs, ys = zip(*pairs, strict=True)
        if len(set(xs)) < 2 or len(set(ys)) < 2:
            continue
        result = stats.spearmanr(xs, ys)
        caution = None
        if len(pairs) < DRIVER_MIN_TEAMS:
            caution = f"only {len(pairs)} teams: a hint, not proof"
        found.append(
            Driver(key, float(result.statistic), float(result.pvalue), len(pairs), caution)
        )
    tested = len(found)
    adjusted = [replace(d, p_adjusted=min(1.0, d.p * tested)) for d in found]
    return sorted(adjusted, key=lambda d: -abs(d.rho))


@dataclass(frozen=True)
class Finding:
    kind: str  # stall | gap | adoption | hotspot | driver | actions | leadership
    severity: str  # high | medium | low
    title: str
    evidence: str
    suggestion: str
    step: str | None = None
    teams: tuple[str, ...] = field(default_factory=tuple)


SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _fmt(value: float, unit: str) -> str:
    return f"{value:.0f}%" if unit == "%" else f"{value:.1f} {unit}".strip()


def findings(
    stages: Sequence[StageInput],
    series: Sequence[SeriesInput],
    teams: Sequence[TeamInput],
    resistance_names: Mapping[str, str],
    dimension_names: Mapping[str, str],
    overdue_actions: int = 0,
) -> list[Finding]:
    """All findings, most severe first; the dashboard shows the top three."""
    healths = [stage_health(s) for s in stages]
    result: list[Finding] = []
    stalled = stall_point(stages, healths)
    if stalled:
        step = STEPS_BY_KEY[stalled]
        stage = next(s for s in stages if s.key == stalled)
        health = next(h for h in healths if h.key == stalled)
        bits = [f"health {health.health:.0f}/100", f"status {stage.status.replace('_', ' ')}"]
        if stage.evidence_total:
            bits.append(f"evidence {stage.evidence_done}/{stage.evidence_total}")
        if stage.leader_mean is not None:
            bits.append(f"leaders {stage.leader_mean:.1f}/5 (n={stage.leader_n})")
        if stage.staff_mean is not None:
            bits.append(f"staff {stage.staff_mean:.1f}/5 (n={stage.staff_n})")
        result.append(Finding(
            "stall", "high",
            f"The rollout is stalling at step {step.position}: {step.name.lower()}",
            "; ".join(bits) + ", while later steps are already under way.",
            SUGGESTIONS[stalled], stalled,
        ))  # fmt: skip
    for gap in perception_gaps(stages):
        if not gap.large:
            continue
        step = STEPS_BY_KEY[gap.key]
        who = "Leaders rate" if gap.gap > 0 else "Staff rate"
        result.append(Finding(
            "gap", "high" if abs(gap.gap) >= 1.5 else "medium",
            f"{who} {step.short.lower()} much higher than "
            f"{'staff' if gap.gap > 0 else 'leaders'} do",
            f"Leaders rate {step.short.lower()} {gap.leaders:.1f}/5 (n={gap.leader_n}), "
            f"staff {gap.staff:.1f}/5 (n={gap.staff_n}).",
            SUGGESTIONS[gap.key], gap.key,
        ))  # fmt: skip
    for item in series:
        if item.trend.label not in {"plateau", "declining"} or not item.short_of_target():
            continue
        where = item.team or "the whole initiative"
        latest = item.values[-1]
        verb = "fallen" if item.trend.label == "declining" else "plateaued"
        result.append(Finding(
            "adoption", "high" if item.trend.label == "declining" else "medium",
            f"{item.metric_name} has {verb} in {where}",
            f"{_fmt(latest, item.unit)} in the week of {item.periods[-1]} against a target of "
            f"{_fmt(item.target or 0, item.unit)}; no upward trend over the last "
            f"{item.trend.periods} weeks (Mann-Kendall p={item.trend.p:.2f}).",
            SUGGESTIONS["empower"], "empower", (item.team,) if item.team else (),
        ))  # fmt: skip
    result.extend(_hotspots(teams, resistance_names, dimension_names))
    # Resistance drivers are drivers too: "lost personal touch" moving against adoption is
    # exactly what a leader should hear.
    every_name = {**dimension_names, **resistance_names}
    for driver in drivers(teams, every_name)[:1]:
        if abs(driver.rho) < 0.5 or not driver.significant:
            continue
        name = every_name[driver.dimension]
        result.append(Finding(
            "driver", "low",
            f"Teams scoring higher on “{name}” adopt {'more' if driver.rho > 0 else 'less'}",
            f"Spearman ρ={driver.rho:.2f} across {driver.teams} teams (p={driver.p:.3f}, "
            f"{driver.p_adjusted:.3f} adjusted for the dimensions tested)"
            + (f"; {driver.caution}." if driver.caution else "."),
            "Look at what the best teams do on this and spread it.",
        ))  # fmt: skip
    if overdue_actions:
        result.append(Finding(
            "actions", "medium" if overdue_actions > 1 else "low",
            f"{overdue_actions} action{'s are' if overdue_actions != 1 else ' is'} overdue",
            "Overdue actions stall the steps they belong to.",
            "Review owners and dates at the next leadership meeting.",
        ))  # fmt: skip
    return sorted(result, key=lambda f: SEVERITY_ORDER[f.severity])


def _hotspots(
    teams: Sequence[TeamInput],
    resistance_names: Mapping[str, str],
    dimension_names: Mapping[str, str],
) -> list[Finding]:
    """Teams behind on adoption and low on a dimension, with the likeliest resistance driver.

    Resistance dimensions are scored so that higher means more resistance.
    """
    found = []
    for team in teams:
        if team.adoption is None or team.adoption_target is None:
            continue
        if team.adoption >= team.adoption_target * 0.8:
            continue
        low = {
            k: v for k, v in team.dimensions.items() if k in dimension_names and v < LOW_DIMENSION
        }
        resistance = {k: v for k, v in team.dimensions.items() if k in resistance_names}
        if not low and not resistance:
            continue
        bits = [f"adoption {team.adoption:.0f}% against a target of {team.adoption_target:.0f}%",
                f"{team.respondents} pulse responses"]  # fmt: skip
        title = f"{team.name} is behind on adoption"
        trend = team.adoption_trend
        if trend is not None and trend.label in {"plateau", "declining"}:
            verb = "has plateaued" if trend.label == "plateau" else "is falling back"
            title = (
                f"{team.name} {verb} at {team.adoption:.0f}% adoption against a target of "
                f"{team.adoption_target:.0f}%"
            )
            bits[0] += (
                f", {'flat' if trend.label == 'plateau' else 'falling'} over the last "
                f"{trend.periods} weeks (Mann-Kendall p={trend.p:.2f})"
            )
        if resistance:
            driver, level = max(resistance.items(), key=lambda kv: kv[1])
            # Below the scale's midpoint staff disagree with the fear: no reason to name.
            if level >= LOW_DIMENSION:
                title += f"; “{resistance_names[driver].lower()}” is the likeliest reason"
            bits.append(f"{resistance_names[driver].lower()} {level:.1f}/5")
        for key, value in sorted(low.items(), key=lambda kv: kv[1])[:2]:
            bits.append(f"{dimension_names[key].lower()} {value:.1f}/5")
        found.append(Finding(
            "hotspot", "high", title, "; ".join(bits) + ".",
            "Meet the team: name the fear, show how the CRM keeps their customer relationships, "
            "and fix their top obstacle.",
            "empower", (team.name,),
        ))  # fmt: skip
    return found


def leadership_finding(
    practice: str,
    why: str,
    steps: Sequence[str],
    *,
    score: float,
    basis: str,
    leaders: int,
    stalled: str | None,
) -> Finding:
    """The leadership team's weakest Kouzes-Posner practice as a finding (scores 6-60).

    More severe when the practice bears on the step the rollout is stalling at.
    """
    step = stalled if stalled in steps else steps[0]
    positions = " and ".join(str(STEPS_BY_KEY[key].position) for key in steps)
    who = "observers’ average" if basis == "observers" else "leaders’ own average"
    evidence = (
        f"The {who} is {score:.0f}/60 over {leaders} leader{'s' if leaders != 1 else ''}; "
        f"the practice bears most on step{'s' if len(steps) != 1 else ''} {positions}."
    )
    if basis != "observers":
        evidence += " No leader has enough observers yet, so this rests on self-assessments."
    return Finding(
        "leadership", "medium" if stalled in steps else "low",
        f"The leadership team’s weakest practice is “{practice.lower()}”",
        evidence,
        f"{why} Make it a development goal for each leader, starting with step "
        f"{STEPS_BY_KEY[step].position}: {STEPS_BY_KEY[step].name.lower()}.",
        step,
    )  # fmt: skip
