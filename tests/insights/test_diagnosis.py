"""The diagnosis rules on constructed data: each situation with its expected result."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from insights.diagnosis import (
    PulseInput,
    SeriesInput,
    TeamInput,
    findings,
    leadership_finding,
)
from insights.evidence import measured_evidence
from insights.health import StageInput, perception_gaps, stage_health, stall_point
from insights.kotter import STEP_KEYS
from insights.stages import StepState, skipped_step_warnings
from insights.trends import classify_trend
from survey.instruments import DIMENSIONS_BY_KEY

NAMES = {key: d.name for key, d in DIMENSIONS_BY_KEY.items()}
START = date(2026, 1, 5)


def stages(**given: dict[str, Any]) -> list[StageInput]:
    return [StageInput(key, **given.get(key, {"status": "not_started"})) for key in STEP_KEYS]


STRONG = {"status": "done", "evidence_done": 4, "evidence_total": 4, "leader_mean": 4.5,
          "leader_n": 5}  # fmt: skip


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (StageInput("urgency", "not_started"), 0.0),
        (StageInput("urgency", "done"), 100.0),
        (StageInput("urgency", "done", 4, 4, 5.0, 2, 5.0, 10), 100.0),
        # status 50*.3 + evidence 25*.2 + leaders 25*.25 + staff 50*.25 = 38.75 over weight 1
        (StageInput("empower", "in_progress", 1, 4, 2.0, 2, 3.0, 40), 38.8),
        # no staff figure: re-weighted over .75 (35.0), then held to 25 + 15 by the rating
        (StageInput("empower", "in_progress", 1, 4, 2.0, 2), 35.0),
        # done with every item ticked, but rated 2.2 by both: 30 + 15, whatever the status
        (StageInput("vision", "done", 4, 4, 2.2, 5, 2.2, 60), 45.0),
    ],
)
def test_stage_health(stage: StageInput, expected: float) -> None:
    assert stage_health(stage).health == pytest.approx(expected, abs=0.05)


def test_stall_point_is_the_first_weak_step_with_later_work_under_way() -> None:
    given = stages(
        urgency=STRONG, coalition=STRONG, vision=STRONG,
        communicate={"status": "in_progress", "leader_mean": 3.5, "staff_mean": 3.4},
        empower={"status": "in_progress", "evidence_done": 1, "evidence_total": 5,
                 "leader_mean": 2.0, "staff_mean": 2.3},
        wins={"status": "in_progress"},
    )  # fmt: skip
    assert stall_point(given, [stage_health(s) for s in given]) == "empower"


def test_no_stall_when_nothing_after_the_weak_step_has_started() -> None:
    given = stages(urgency=STRONG, coalition={"status": "in_progress", "leader_mean": 2.0})
    assert stall_point(given, [stage_health(s) for s in given]) is None


def test_a_weak_step_marked_done_is_still_weak() -> None:
    weak_vision = {"status": "done", "evidence_done": 4, "evidence_total": 4,
                   "leader_mean": 2.2, "leader_n": 5, "staff_mean": 2.2, "staff_n": 80}  # fmt: skip
    done = {"status": "done", "leader_mean": 3.8, "leader_n": 5}
    given = stages(urgency=STRONG, coalition=STRONG, vision=weak_vision, communicate=done,
                   empower=done, wins=done, consolidate=done)  # fmt: skip
    warnings = skipped_step_warnings(
        [StepState(s.key, s.status, s.leader_mean, s.staff_mean) for s in given]
    )
    found = findings(given, [], [], skipped=warnings)
    stall = found[0]
    assert (stall.kind, stall.step, stall.severity) == ("stall", "vision", "high")
    assert "whatever its status" in stall.evidence and "n=80" in stall.evidence


def test_perception_gap_is_named_with_both_figures() -> None:
    given = stages(urgency={"status": "done", "leader_mean": 4.5, "leader_n": 6,
                            "staff_mean": 2.6, "staff_n": 140})  # fmt: skip
    (gap,) = perception_gaps(given)
    assert gap.large and gap.gap == pytest.approx(1.9)
    (finding,) = [f for f in findings(given, [], []) if f.kind == "gap"]
    assert "Leaders rate urgency 4.5/5 (n=6), staff 2.6/5 (n=140)" in finding.evidence
    assert finding.step == "urgency" and finding.severity == "high"


def test_two_leaders_are_one_view_and_weigh_less() -> None:
    given = stages(urgency={"status": "done", "leader_mean": 4.5, "leader_n": 2,
                            "staff_mean": 2.6, "staff_n": 140})  # fmt: skip
    (finding,) = [f for f in findings(given, [], []) if f.kind == "gap"]
    assert finding.severity == "medium" and "Only 2 leaders rated it" in finding.evidence


# --- adoption against the calendar ----------------------------------------------------------


def series(
    values: Sequence[float],
    *,
    weeks_to_target: int = 26,
    target: float = 80,
    team: str | None = "Sales North",
    projected_on: date | None = None,
) -> SeriesInput:
    periods = [START + timedelta(weeks=i) for i in range(len(values))]
    return SeriesInput(
        "adoption_rate", "Adoption rate", "%", team, periods, values, target, True,
        classify_trend(values), START + timedelta(weeks=weeks_to_target), projected_on,
    )  # fmt: skip


rng = random.Random(7)
PLATEAU = [10 + 3 * i for i in range(10)] + [41 + rng.uniform(-1.5, 1.5) for _ in range(14)]
NOISY_RISE = [20 + 2.5 * i + rng.uniform(-3, 3) for i in range(24)]
DECLINE = [60 - 1.2 * i + rng.uniform(-1, 1) for i in range(24)]
REACHED = [40 + 3 * i for i in range(16)]


@pytest.mark.parametrize(
    ("values", "kinds"),
    [
        pytest.param(PLATEAU, ["adoption"], id="plateau far behind the path"),
        pytest.param(NOISY_RISE, [], id="a noisy rise on the path is fine"),
        pytest.param(DECLINE, ["adoption"], id="a decline is always said"),
        pytest.param(REACHED, [], id="a rise that reaches target is fine"),
        pytest.param([5, 9, 12, 15], [], id="four weeks are too few to call"),
    ],
)
def test_adoption_findings(values: list[float], kinds: list[str]) -> None:
    found = findings(stages(), [series(values)], [])
    assert [f.kind for f in found] == kinds


def test_a_decline_is_called_a_decline() -> None:
    (finding,) = findings(stages(), [series(DECLINE)], [])
    assert finding.title == "Adoption rate is falling in Sales North"
    assert "falling over the last 12 weeks" in finding.evidence
    assert "no upward trend" not in finding.evidence
    assert finding.period == (START, START + timedelta(weeks=23))


def test_week_four_of_a_five_month_plan_is_not_a_high_finding() -> None:
    early = [2, 4, 5, 7, 8, 9]  # six weeks, slow start, target 80% in 22 weeks
    found = findings(stages(), [series(early, weeks_to_target=22)], [])
    assert all(f.severity != "high" for f in found)


def test_a_late_but_on_track_team_is_not_behind() -> None:
    slow_s_curve = [3, 4, 6, 8, 11, 15, 20, 26, 33]
    on_time = START + timedelta(weeks=24)
    found = findings(stages(), [series(slow_s_curve, projected_on=on_time)], [])
    assert found == []


def test_a_plateau_finding_gives_the_path_and_the_period() -> None:
    (finding,) = findings(stages(), [series(PLATEAU)], [])
    assert finding.title.startswith("Adoption rate has levelled off in Sales North, short of 80%")
    assert "the path to 80% by" in finding.evidence and "Weekly data from" in finding.evidence
    assert finding.teams == ("Sales North",) and finding.step is None


# --- the evidence names the step and the action ----------------------------------------------


def pulse(**means: float) -> PulseInput:
    return PulseInput(dict(means), 60, (date(2026, 6, 1), date(2026, 6, 7)), NAMES)


def team_input(name: str, **means: float) -> TeamInput:
    return TeamInput(name, 12, 40.0, 80.0, dict(means))


def test_the_adkar_barrier_names_ability_and_calls_for_practice_not_the_demo_text() -> None:
    means = {"adkar_awareness": 3.9, "adkar_desire": 3.6, "adkar_knowledge": 3.2,
             "adkar_ability": 1.9, "adoption_training": 1.6}  # fmt: skip
    teams = [team_input("Claims", **means)]
    found = findings(stages(), [series(DECLINE, team="Claims")], teams, pulse=pulse(**means))
    finding = found[0]
    assert finding.kind == "hotspot" and finding.step == "empower"
    assert "ADKAR barrier point: ability" in finding.evidence
    assert "practise" in finding.suggestion and "obstacle log" not in finding.suggestion
    assert "personal touch" not in finding.evidence + finding.title + finding.suggestion


@pytest.mark.parametrize(
    ("key", "step"),
    [
        ("resistance_unknown", "communicate"),
        ("resistance_devalued", "wins"),
        ("resistance_ownership", "empower"),
        ("resistance_personal_touch", "vision"),
    ],
)
def test_each_resistance_driver_names_itself_and_its_own_step(key: str, step: str) -> None:
    means = {key: 4.2, "kotter_urgency": 3.4}
    teams = [team_input("Sales", **means)]
    found = findings(stages(), [series(PLATEAU, team="Sales")], teams, pulse=pulse(**means))
    hotspot = next(f for f in found if f.kind == "hotspot")
    assert hotspot.step == step and NAMES[key].lower() in hotspot.evidence
    resistance = next(f for f in found if f.kind == "resistance")
    assert resistance.step == step


def test_nothing_is_named_that_was_not_asked() -> None:
    means = {"kotter_urgency": 3.5, "kotter_vision": 3.4}
    teams = [team_input("Sales", **means)]
    (finding,) = findings(stages(), [series(PLATEAU, team="Sales")], teams, pulse=pulse(**means))
    assert finding.kind == "adoption" and finding.step is None
    assert "shows no barrier or resistance" in finding.evidence
    for key in ("resistance_personal_touch", "adkar_ability"):
        assert NAMES[key].lower() not in finding.evidence.lower()


def test_without_any_pulse_the_finding_asks_why_instead_of_guessing() -> None:
    (finding,) = findings(stages(), [series(PLATEAU)], [])
    assert finding.step is None and "Ask why" in finding.suggestion


def test_the_strongest_evidence_comes_first() -> None:
    found = measured_evidence(
        {"adkar_ability": 3.0, "resistance_personal_touch": 4.3, "kotter_empower": 1.8}, NAMES
    )
    # 1.3 above the midpoint, 1.2 below it, and a barrier exactly at it.
    assert [e.key for e in found] == [
        "resistance_personal_touch", "kotter_empower", "adkar_ability",
    ]  # fmt: skip
    assert found[0].strength >= found[1].strength >= found[2].strength


def test_an_organisation_wide_barrier_is_a_finding_of_its_own() -> None:
    found = findings(stages(), [], [], pulse=pulse(adkar_awareness=2.4, adkar_desire=2.0))
    (barrier,) = [f for f in found if f.kind == "barrier"]
    assert barrier.title.startswith("Staff are stuck at awareness")
    assert barrier.step == "urgency" and "n=60" in barrier.evidence
    assert barrier.period == (date(2026, 6, 1), date(2026, 6, 7))


# --- drivers and the leadership team ------------------------------------------------------------


def test_no_driver_finding_from_a_handful_of_teams() -> None:
    teams = [
        TeamInput(f"T{i}", 12, 30 + 6 * i, 80.0, {"adoption_usefulness": 2.5 + 0.2 * i})
        for i in range(4)
    ]
    found = findings(stages(), [], teams, pulse=pulse(adoption_usefulness=3.2))
    assert not [f for f in found if f.kind == "driver"]


@pytest.mark.parametrize(
    ("stalled", "leaders", "severity"),
    [("empower", 4, "medium"), ("urgency", 4, "low"), ("empower", 2, "low")],
)
def test_the_leadership_finding_weighs_more_where_the_rollout_stalls(
    stalled: str, leaders: int, severity: str
) -> None:
    finding = leadership_finding(
        "Enable others to act", "Staff need authority.", ("empower", "coalition"),
        score=24.4, basis="observers", leaders=leaders, stalled=stalled,
    )  # fmt: skip
    assert finding.severity == severity and finding.step == "empower"
    assert finding.evidence.startswith(
        f"The observers’ average is 24/60 over {leaders} leaders; the practice bears most on "
        "steps 5 and 2."
    )


def test_many_teams_behind_fold_into_one_finding_after_the_furthest() -> None:
    # Twelve teams on the same plateau, each a few points lower than the last.
    behind = [series([v - k for v in PLATEAU], team=f"Team {k:02d}") for k in range(12)]
    found = [f for f in findings(stages(), behind, []) if f.kind == "adoption"]
    singles = [f for f in found if f.teams]
    (folded,) = [f for f in found if not f.teams]
    assert len(singles) == 5
    # The five named one by one are the furthest short of their path.
    assert {t for f in singles for t in f.teams} == {f"Team {k:02d}" for k in range(7, 12)}
    assert folded.title == "Adoption is behind or falling in 7 more teams"
    assert "Team 06" in folded.evidence and "Team 00" in folded.evidence
    assert folded.period == (START, START + timedelta(weeks=len(PLATEAU) - 1))
    # Five or fewer: each its own finding, nothing folded.
    few = findings(stages(), behind[:5], [])
    assert all(f.teams for f in few if f.kind == "adoption") and len(few) == 5
