"""The diagnosis rules on constructed data: each situation with its expected result."""

from __future__ import annotations

import random

import pytest

from insights.diagnosis import (
    SeriesInput,
    StageInput,
    TeamInput,
    drivers,
    findings,
    leadership_finding,
    perception_gaps,
    stage_health,
    stall_point,
)
from insights.kotter import STEP_KEYS
from insights.trends import classify_trend


def stages(**given: dict) -> list[StageInput]:  # type: ignore[type-arg]
    return [StageInput(key, **given.get(key, {"status": "not_started"})) for key in STEP_KEYS]


STRONG = {"status": "done", "evidence_done": 4, "evidence_total": 4, "leader_mean": 4.5}


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (StageInput("urgency", "not_started"), 0.0),
        (StageInput("urgency", "done"), 100.0),
        (StageInput("urgency", "done", 4, 4, 5.0, 2, 5.0, 10), 100.0),
        # status 50*.3 + evidence 25*.2 + leaders 25*.25 + staff 50*.25 = 38.75 over weight 1
        (StageInput("empower", "in_progress", 1, 4, 2.0, 2, 3.0, 40), 38.8),
        # no staff figure: re-weighted over .75
        (StageInput("empower", "in_progress", 1, 4, 2.0, 2), round(26.25 / 0.75, 1)),
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


def test_perception_gap_is_named_with_both_figures() -> None:
    given = stages(urgency={"status": "done", "leader_mean": 4.5, "leader_n": 2,
                            "staff_mean": 2.6, "staff_n": 140})  # fmt: skip
    (gap,) = perception_gaps(given)
    assert gap.large and gap.gap == pytest.approx(1.9)
    (finding,) = [f for f in findings(given, [], [], {}, {}) if f.kind == "gap"]
    assert "Leaders rate urgency 4.5/5 (n=2), staff 2.6/5 (n=140)" in finding.evidence
    assert finding.step == "urgency"


def series(values: list[float], target: float = 80, team: str = "Sales North") -> SeriesInput:
    periods = [f"2026-{(i // 4) + 1:02d}-{(i % 4) * 7 + 1:02d}" for i in range(len(values))]
    return SeriesInput(
        "adoption_rate", "Adoption rate", "%", team, periods, values, target, True,
        classify_trend(values),
    )  # fmt: skip


rng = random.Random(7)
PLATEAU = [10 + 3 * i for i in range(10)] + [41 + rng.uniform(-1.5, 1.5) for _ in range(14)]
NOISY_RISE = [20 + 2 * i + rng.uniform(-3, 3) for i in range(24)]
DECLINE = [60 - 1.2 * i + rng.uniform(-1, 1) for i in range(24)]
REACHED = [40 + 3 * i for i in range(16)]


@pytest.mark.parametrize(
    ("values", "kinds"),
    [
        pytest.param(PLATEAU, ["adoption"], id="plateau short of target is a stall"),
        pytest.param(NOISY_RISE, [], id="a noisy rise is not a stall"),
        pytest.param(DECLINE, ["adoption"], id="a decline is a stall"),
        pytest.param(REACHED, [], id="a rise that reaches target is fine"),
    ],
)
def test_adoption_trend_findings(values: list[float], kinds: list[str]) -> None:
    found = findings(stages(), [series(values)], [], {}, {})
    assert [f.kind for f in found] == kinds


def test_plateau_finding_carries_its_evidence() -> None:
    (finding,) = findings(stages(), [series(PLATEAU)], [], {}, {})
    assert finding.title == "Adoption rate has plateaued in Sales North"
    assert "target of 80%" in finding.evidence and "last 12 weeks" in finding.evidence
    assert finding.teams == ("Sales North",)


def team(name: str, adoption: float, usefulness: float, touch: float = 2.5) -> TeamInput:
    return TeamInput(name, 12, adoption, 80.0, {"usefulness": usefulness, "lost_touch": touch})


NAMES = {"usefulness": "Usefulness"}
RESISTANCE = {"lost_touch": "Lost personal touch"}


def test_driver_present_when_a_dimension_moves_with_adoption() -> None:
    teams = [team(f"T{i}", 30 + 6 * i, 2.5 + 0.2 * i) for i in range(9)]
    (driver,) = drivers(teams, NAMES)
    assert driver.rho == pytest.approx(1.0) and driver.teams == 9 and driver.caution is None


def test_driver_absent_for_unrelated_dimension_and_cautious_with_few_teams() -> None:
    shuffled = [3.1, 2.2, 4.0, 2.9, 3.5]
    teams = [team(f"T{i}", 40 + i, value) for i, value in enumerate(shuffled)]
    (driver,) = drivers(teams, NAMES)
    assert abs(driver.rho) < 0.5
    assert driver.caution == "only 5 teams: a hint, not proof"
    assert not [f for f in findings(stages(), [], teams, {}, NAMES) if f.kind == "driver"]


def test_hotspot_names_the_likeliest_resistance_driver() -> None:
    teams = [team("Sales North", 41, 2.4, touch=4.1), team("Claims", 78, 3.9, touch=2.0)]
    hotspots = [f for f in findings(stages(), [], teams, RESISTANCE, NAMES) if f.kind == "hotspot"]
    assert [h.teams for h in hotspots] == [("Sales North",)]
    assert "lost personal touch" in hotspots[0].title
    assert "adoption 41% against a target of 80%" in hotspots[0].evidence


def test_findings_are_ordered_most_severe_first() -> None:
    found = findings(stages(), [series(PLATEAU)], [], {}, {}, overdue_actions=1)
    assert [f.severity for f in found] == ["medium", "low"]


def test_a_hotspot_on_a_plateau_says_so_and_names_only_a_real_fear() -> None:
    flat = classify_trend(PLATEAU)
    north = TeamInput("Sales North", 20, 41, 80.0, {"usefulness": 2.4, "lost_touch": 4.3}, flat)
    calm = TeamInput("Claims", 14, 40, 80.0, {"usefulness": 2.6, "lost_touch": 2.1})
    found = [f for f in findings(stages(), [], [north, calm], RESISTANCE, NAMES)]
    north_spot, calm_spot = (f for f in found if f.kind == "hotspot")
    assert north_spot.title == (
        "Sales North has plateaued at 41% adoption against a target of 80%; "
        "“lost personal touch” is the likeliest reason"
    )
    assert "flat over the last 12 weeks" in north_spot.evidence
    # Staff disagree with the fear (2.1/5): it is reported, not named as the reason.
    assert calm_spot.title == "Claims is behind on adoption"
    assert "lost personal touch 2.1/5" in calm_spot.evidence


def test_a_driver_needs_to_survive_the_number_of_dimensions_tested() -> None:
    # One strong correlation among twelve unrelated dimensions over six teams is chance.
    noise = {f"d{k}": f"Dimension {k}" for k in range(12)}
    rng_teams = random.Random(0)
    teams = [
        TeamInput(f"T{i}", 12, 40 + 5 * i, 80.0, {k: rng_teams.uniform(2, 4) for k in noise})
        for i in range(6)
    ]
    found = drivers(teams, noise)
    assert all(d.p_adjusted == pytest.approx(min(1.0, d.p * 12)) for d in found)
    strongest = found[0]
    assert strongest.rho > 0.8 and strongest.p < 0.05 and not strongest.significant
    assert not [f for f in findings(stages(), [], teams, {}, noise) if f.kind == "driver"]
    # A resistance driver that moves against adoption across nine teams is a finding.
    teams = [team(f"T{i}", 30 + 6 * i, 3.0, touch=4.5 - 0.2 * i) for i in range(9)]
    (driver,) = [f for f in findings(stages(), [], teams, RESISTANCE, {}) if f.kind == "driver"]
    assert driver.title == "Teams scoring higher on “Lost personal touch” adopt less"


@pytest.mark.parametrize(("stalled", "severity"), [("empower", "medium"), ("urgency", "low")])
def test_the_leadership_finding_weighs_more_where_the_rollout_stalls(
    stalled: str, severity: str
) -> None:
    finding = leadership_finding(
        "Enable others to act", "Staff need authority.", ("empower", "coalition"),
        score=24.4, basis="observers", leaders=2, stalled=stalled,
    )  # fmt: skip
    assert finding.severity == severity and finding.step == "empower"
    assert finding.evidence == (
        "The observers’ average is 24/60 over 2 leaders; the practice bears most on steps 5 and 2."
    )
