"""The scenario library: labelled rollouts, built through the app's paths, and what the
diagnosis must and must not say about each.

Every scenario is a function whose docstring states the truth of the rollout it
builds. It returns the :class:`Scenario`: the rollout (tests/scenarios/build.py),
the findings that must appear (``must``), those that must not (``must_not``) and,
where the truth is not a finding, a ``check`` on the diagnosis itself.

The expected Kotter step of each piece of evidence is written out here from
docs/domain.md, not imported from ``insights``: ADKAR awareness -> urgency,
desire -> vision, knowledge and ability -> empower, reinforcement -> consolidate;
resistance: stress of the unknown -> communicate, feeling devalued -> wins, lost
ownership -> empower, lost personal touch -> vision.

Adoption figures carry realistic noise (build.Curve: people adopt one at a time and
are away some weeks). Where the diagnosis was seen to be wrong, the scenario keeps
its expectation and is marked xfail with the reason (NOISE below).

The last two tests score the whole library on each backend: recall (expected
findings found) and precision (produced findings that no scenario labels wrong);
the numbers are printed in the terminal summary (tests/scenarios/conftest.py;
``-vv`` lists every finding produced, ``-vvv`` with its evidence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from app import demo
from app.services.diagnosis import Diagnosis
from insights.drivers import DRIVER_MIN_TEAMS
from insights.kotter import STEP_KEYS
from models import db
from survey.instruments import DIMENSIONS_BY_KEY, STARTER_PULSE
from tests.scenarios.build import (
    HIGH,
    TARGET,
    TARGET_WEEKS,
    Built,
    Expect,
    Outcome,
    Rollout,
    TeamSpec,
    build,
    describe,
    levels_off,
    linear,
    on_path,
    rated,
    rise_then_fall,
    s_curve,
    score,
    week,
    with_leave,
)

# --- vocabulary ------------------------------------------------------------------------------

ADKAR = (
    "adkar_awareness",
    "adkar_desire",
    "adkar_knowledge",
    "adkar_ability",
    "adkar_reinforcement",
)
RESISTANCE = (
    "resistance_unknown",
    "resistance_devalued",
    "resistance_ownership",
    "resistance_personal_touch",
)
ATTITUDES = ("adoption_usefulness", "adoption_ease", "adoption_support", "adoption_training")
# Where each kind of evidence points (docs/domain.md), and how a finding reads it.
ADKAR_STEP = {
    "awareness": "urgency",
    "desire": "vision",
    "knowledge": "empower",
    "ability": "empower",
    "reinforcement": "consolidate",
}
RESISTANCE_STEP = {
    "resistance_unknown": "communicate",
    "resistance_devalued": "wins",
    "resistance_ownership": "empower",
    "resistance_personal_touch": "vision",
}
RESISTANCE_WORDS = {
    "resistance_unknown": "uncertainty about what the change means",
    "resistance_devalued": "devalues their skills",
    "resistance_ownership": "lost ownership of their process",
    "resistance_personal_touch": "replaces their relationships with customers",
}
ASK_WHY = "Ask why before acting"

# A rollout moving well through its first six steps: the foundation done and rated solid
# by five leaders, empower and short-term wins under way, the last two not started.
STEADY_STEPS = {
    "urgency": "done",
    "coalition": "done",
    "vision": "done",
    "communicate": "done",
    "empower": "in_progress",
    "wins": "in_progress",
}
STEADY_MEANS = {
    "urgency": 4.4,
    "coalition": 4.2,
    "vision": 4.2,
    "communicate": 4.0,
    "empower": 3.6,
    "wins": 3.4,
    "consolidate": 1.4,
    "anchor": 1.2,
}


def leaders(n: int = 5, **means: float) -> dict[str, list[int]]:
    """``n`` leaders' ratings per step, averaging the given means (steady ones otherwise)."""
    return {key: rated(means.get(key, STEADY_MEANS[key]), n) for key in STEP_KEYS}


def crew(names: Sequence[str], **spec: object) -> list[TeamSpec]:
    """Teams of 24 on the straight path to the target (unless told otherwise)."""
    spec.setdefault("adoption", on_path())
    spec.setdefault("headcount", 24)
    return [TeamSpec(name, **spec) for name in names]  # type: ignore[arg-type]


def quiet_about(*teams: str | None) -> list[Expect]:
    """No adoption finding for these teams (None: the whole initiative)."""
    return [Expect(kind=kind, team=team) for team in teams for kind in ("adoption", "hotspot")]


def other_steps(*steps: str) -> frozenset[str]:
    """Every Kotter step but these, as a step pattern."""
    return frozenset(STEP_KEYS) - set(steps)


def stalls_only_at(step: str) -> list[Expect]:
    return [Expect(kind="stall", step=other_steps(step))]


NO_RESISTANCE_NAMED = [
    Expect(kind="resistance"),
    Expect(text="likeliest reason measured"),
    *(Expect(text=words) for words in RESISTANCE_WORDS.values()),
]


# Where the diagnosis was seen to be wrong (reported, not fixed here).
NOISE = (
    "a known limit: two people of a team of 12 on leave in the last two weeks (58% -> 42% ->"
    " 33%) is read as two weeks behind the path; the rule needs two weeks past the noise"
    " band, and leave that long looks the same as a real drop"
)


# --- scenarios ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    rollout: Rollout
    must: Sequence[Expect] = ()
    must_not: Sequence[Expect] = ()
    check: Callable[[Diagnosis, Built], None] | None = None
    xfail: str | None = None  # the diagnosis is wrong here: see the reason


SCENARIOS: dict[str, Callable[[], Scenario]] = {}


def scenario(make: Callable[[], Scenario]) -> Callable[[], Scenario]:
    assert make.__doc__, f"{make.__name__} must state its truth"
    SCENARIOS[make.__name__] = make
    return make


@scenario
def stall_at_coalition() -> Scenario:
    """Truth: the guiding coalition never formed. Step 2 is in progress with one piece of
    evidence and both leaders (2.0) and staff (about 2.2) rate it weak, while vision and
    communicate are already under way. Every team's adoption rises on the path to 80 %.
    The pulse asked Kotter and ADKAR items only: no resistance question was asked."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    return Scenario(
        Rollout(
            steps={
                "urgency": "done",
                "coalition": "in_progress",
                "vision": "in_progress",
                "communicate": "in_progress",
            },
            evidence={"coalition": 1},
            ratings=leaders(5, coalition=2.0, vision=3.6, communicate=3.4, empower=1.4, wins=1.2),
            survey=("kotter_urgency", "kotter_coalition", "kotter_vision", *ADKAR),
            teams=crew(teams, pulse={"kotter_coalition": 2.2}),
            whole="teams",
            seed=1,
        ),
        must=[Expect(kind="stall", step="coalition", severity=HIGH)],
        must_not=[*stalls_only_at("coalition"), *quiet_about(*teams, None), *NO_RESISTANCE_NAMED],
    )


@scenario
def stall_at_empower() -> Scenario:
    """Truth: obstacles are not being removed. Steps 1-4 are done and rated solid; step 5
    (empower) is in progress with one of five evidence items, rated 2.2 by leaders and
    about 2.3 by staff, while short-term wins have started. One empower action is two
    weeks overdue. Adoption rises on schedule everywhere; the starter pulse shows no
    ADKAR barrier and no resistance driver of concern."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk", "Renewals")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            evidence={"empower": 1},
            ratings=leaders(5, empower=2.2),
            survey=STARTER_PULSE,
            teams=crew(teams, pulse={"kotter_empower": 2.3}),
            whole="teams",
            overdue_actions=("empower",),
            seed=2,
        ),
        must=[Expect(kind="stall", step="empower", severity=HIGH), Expect(kind="actions")],
        must_not=[
            *stalls_only_at("empower"),
            *quiet_about(*teams, None),
            Expect(kind="barrier"),
            Expect(kind="resistance"),
        ],
    )


@scenario
def stall_at_vision_done_on_paper() -> Scenario:
    """Truth: the vision was declared done, with every evidence item ticked, but leaders
    rate it 2.2 and staff about 2.2: a weak step marked done is still weak, and the
    rollout stalls there while communicate and empower are under way."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    return Scenario(
        Rollout(
            steps={
                "urgency": "done",
                "coalition": "done",
                "vision": "done",
                "communicate": "in_progress",
                "empower": "in_progress",
            },
            ratings=leaders(5, vision=2.2, communicate=3.5, empower=3.4, wins=1.4),
            survey=("kotter_vision", "kotter_communicate", "kotter_empower", *ADKAR),
            teams=crew(teams, pulse={"kotter_vision": 2.2}, respondents=5),
            whole="teams",
            seed=3,
        ),
        must=[
            Expect(
                kind="stall",
                step="vision",
                severity=HIGH,
                text="The ratings say the step is weak, whatever its status",
            ),
        ],
        must_not=[*stalls_only_at("vision"), *quiet_about(*teams, None)],
    )


@scenario
def healthy_rollout() -> Scenario:
    """Truth: nothing is wrong. Steps 1-4 done and rated solid, empower and wins under way
    and rated fair, every team on its path to 80 %, staff past every ADKAR element and
    not worried by any resistance driver, no overdue action."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk", "Renewals")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*STARTER_PULSE, "resistance_devalued", "resistance_ownership"),
            teams=crew(teams),
            whole="teams",
            seed=4,
        ),
        must_not=[Expect()],  # any finding at all is invented
        check=_no_stall,
    )


def _no_stall(found: Diagnosis, built: Built) -> None:
    assert found.stall_point is None


def _adkar_barrier(element: str, seed: int) -> Scenario:
    """One team's adoption rose, then fell for ten weeks; its staff are stuck at
    ``element`` (about 2.3; the elements before it 3.9, after it 3.2). Three other teams
    rise on the path, and their ADKAR is fine, so the organisation as a whole has no
    barrier. Steps are steady."""
    lagging = "Field Sales"
    others = ("Inside Sales", "Key Accounts", "Service Desk")
    order = [key.removeprefix("adkar_") for key in ADKAR]
    at = order.index(element)
    pulse = {f"adkar_{e}": 3.9 if i < at else 2.3 if i == at else 3.2 for i, e in enumerate(order)}
    step = ADKAR_STEP[element]
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*ADKAR, "kotter_vision", "kotter_empower"),
            teams=[
                TeamSpec(lagging, 20, pulse=pulse, adoption=rise_then_fall(8, 40, 9, 2.0)),
                *crew(others),
            ],
            seed=seed,
        ),
        must=[
            Expect(
                kind="hotspot",
                team=lagging,
                step=step,
                severity=HIGH,
                text=f"ADKAR barrier point: {element}",
            ),
        ],
        must_not=[
            *quiet_about(*others, None),
            Expect(kind="hotspot", team=lagging, step=other_steps(step)),
            *(Expect(text=f"ADKAR barrier point: {e}") for e in order if e != element),
            Expect(kind="barrier"),
            Expect(kind="stall"),
            *NO_RESISTANCE_NAMED,
        ],
    )


@scenario
def barrier_awareness() -> Scenario:
    """Truth: Field Sales' adoption is falling because its staff do not see why the change
    is needed (ADKAR awareness about 2.3): the answer is urgency (step 1)."""
    return _adkar_barrier("awareness", 5)


@scenario
def barrier_desire() -> Scenario:
    """Truth: Field Sales' adoption is falling because its staff understand the change but do
    not want it (ADKAR desire about 2.3): the answer is the vision (step 3)."""
    return _adkar_barrier("desire", 6)


@scenario
def barrier_knowledge() -> Scenario:
    """Truth: Field Sales' adoption is falling because its staff do not know how to work the
    new way (ADKAR knowledge about 2.3): the answer is removing obstacles (step 5)."""
    return _adkar_barrier("knowledge", 7)


@scenario
def barrier_ability() -> Scenario:
    """Truth: Field Sales' adoption is falling because its staff cannot yet work the new way
    in real work (ADKAR ability about 2.3): the answer is removing obstacles (step 5)."""
    return _adkar_barrier("ability", 8)


@scenario
def barrier_reinforcement() -> Scenario:
    """Truth: Field Sales' adoption is falling because nothing keeps people in the new way
    (ADKAR reinforcement about 2.3): the answer is consolidating gains (step 7)."""
    return _adkar_barrier("reinforcement", 9)


def _resistance(driver: str, seed: int, *, everyone: float | None = None) -> Scenario:
    """Service Desk's adoption rose to 38 % and has been flat for ten weeks; its staff agree
    with ``driver`` (about 4.0 on the 1-5 scale) and disagree with the other three
    (about 2.3). ADKAR is fine everywhere. With ``everyone``, the other teams share the
    worry at that level, so the organisation as a whole is concerned."""
    lagging = "Service Desk"
    others = ("Inside Sales", "Field Sales", "Key Accounts")
    step = RESISTANCE_STEP[driver]
    shared = {driver: everyone} if everyone is not None else {}
    not_named = [key for key in RESISTANCE if key != driver]
    must = [
        Expect(kind="hotspot", team=lagging, step=step, text=RESISTANCE_WORDS[driver]),
        Expect(kind="hotspot", team=lagging, text="likeliest reason measured"),
    ]
    if everyone is not None:
        must.append(Expect(kind="resistance", step=step, text=RESISTANCE_WORDS[driver]))
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*RESISTANCE, *ADKAR, "kotter_communicate"),
            teams=[
                TeamSpec(lagging, 20, pulse={driver: 4.0}, adoption=levels_off(8, 38, 10)),
                *crew(others, pulse=shared),
            ],
            seed=seed,
        ),
        must=must,
        must_not=[
            *quiet_about(*others, None),
            Expect(kind="hotspot", team=lagging, step=other_steps(step)),
            *(Expect(text=RESISTANCE_WORDS[key]) for key in not_named),
            *(Expect(text=DIMENSIONS_BY_KEY[key].name.lower()) for key in not_named),
            *([] if everyone is not None else [Expect(kind="resistance")]),
            Expect(kind="resistance", step=other_steps(step)),
            Expect(kind="barrier"),
        ],
    )


@scenario
def resistance_unknown() -> Scenario:
    """Truth: Service Desk has stalled at 38 % because the rollout put uncertainty into its
    day (stress of the unknown about 4.0): the answer is communicating (step 4)."""
    return _resistance("resistance_unknown", 10)


@scenario
def resistance_devalued() -> Scenario:
    """Truth: Service Desk has stalled at 38 % because its staff feel the tool devalues
    their skills (about 4.0): the answer is short-term wins credited to them (step 6)."""
    return _resistance("resistance_devalued", 11)


@scenario
def resistance_ownership() -> Scenario:
    """Truth: Service Desk has stalled at 38 % because its staff lost ownership of their
    process (about 4.0), and every other team shares the worry (about 3.7), so the whole
    organisation pushes back on it: the answer is empowering action (step 5)."""
    return _resistance("resistance_ownership", 12, everyone=3.7)


@scenario
def resistance_personal_touch() -> Scenario:
    """Truth: Service Desk has stalled at 38 % because its staff fear the CRM replaces their
    relationships with customers (about 4.0): the answer is a customer-centred vision
    (step 3)."""
    return _resistance("resistance_personal_touch", 13)


LATE_WEEKS = 22


@scenario
def late_but_on_track() -> Scenario:
    """Truth: Onboarding (30 people) started slowly and is still well below the straight
    path to 80 % (about 45 % in week 21, where the path calls for about 58 %), but it is
    in the steep middle of its S-curve, heading for about 95 %: it reaches 80 % around
    week 25-26, before the target date in week 30. It is on track: no behind finding."""
    late = "Onboarding"
    others = ("Inside Sales", "Field Sales", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*ADKAR, "kotter_empower"),
            teams=[
                TeamSpec(late, 30, adoption=s_curve(5, 95, 21.5, 2.5)),
                *crew(others),
            ],
            weeks=LATE_WEEKS,
            seed=14,
        ),
        must_not=[*quiet_about(late)],
        check=_late_team_is_projected_in_time,
    )


def _late_team_is_projected_in_time(found: Diagnosis, built: Built) -> None:
    (late,) = [s for s in found.team_series("adoption_rate") if s.team == "Onboarding"]
    start = late.values[0]
    path_now = start + (TARGET - start) * (LATE_WEEKS - 1) / TARGET_WEEKS
    assert late.latest < path_now - 0.10 * (TARGET - start), "the scenario is not late"
    assert late.projected_on is not None and late.target_date is not None
    assert late.projected_on <= late.target_date


@scenario
def tiny_data() -> Scenario:
    """Truth: four weeks after go-live, two leaders have rated the steps. They see the
    coalition as weak (2.0 each) while vision is under way, and rate urgency 4.5 where
    staff say about 2.5. Adoption has four weekly values per team, one team flat at
    about 10 %. That is too little to call anyone behind, and a view resting on two
    leaders must say so and never be high."""
    teams = ("Inside Sales", "Field Sales", "Service Desk")
    return Scenario(
        Rollout(
            steps={"urgency": "done", "coalition": "in_progress", "vision": "in_progress"},
            ratings={"urgency": [5, 4], "coalition": [2, 2], "vision": [4, 3]},
            survey=("kotter_urgency", *ADKAR),
            teams=[
                TeamSpec(
                    "Inside Sales", pulse={"kotter_urgency": 2.6}, respondents=5, adoption=on_path()
                ),
                TeamSpec(
                    "Field Sales",
                    pulse={"kotter_urgency": 2.4},
                    respondents=5,
                    adoption=levels_off(10, 10, 1),
                ),
                TeamSpec(
                    "Service Desk", pulse={"kotter_urgency": 2.6}, respondents=5, adoption=on_path()
                ),
            ],
            whole="teams",
            weeks=4,
            seed=15,
        ),
        must=[
            Expect(kind="stall", step="coalition", text="Only 2 leaders rated it"),
            Expect(kind="gap", step="urgency", text="Only 2 leaders"),
        ],
        must_not=[Expect(severity=HIGH), *quiet_about(*teams, None)],
        check=_cautions_where_few_leaders,
    )


def _cautions_where_few_leaders(found: Diagnosis, built: Built) -> None:
    for finding in found.findings:
        if finding.kind in {"stall", "gap", "skipped"}:
            assert "Only 2 leaders" in finding.evidence, finding


@scenario
def small_organisation() -> Scenario:
    """Truth: four teams, all on course; the better a team finds the CRM easy to use, the
    faster it adopts, in perfect rank order. Four teams can never show a driver (the exact
    chance of that order is 1 in 12): no driver finding, and the diagnosis says why."""
    names = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    paces = (1.0, 1.1, 1.2, 1.3)
    ease = (3.2, 3.5, 3.8, 4.1)
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*ATTITUDES, *ADKAR),
            teams=[
                TeamSpec(name, 24, pulse={"adoption_ease": e}, adoption=on_path(pace=p))
                for name, p, e in zip(names, paces, ease, strict=True)
            ],
            seed=16,
        ),
        must_not=[Expect(kind="driver"), *quiet_about(*names)],
        check=_not_enough_teams,
    )


def _not_enough_teams(found: Diagnosis, built: Built) -> None:
    assert found.drivers_status == f"not enough teams: 4 of the {DRIVER_MIN_TEAMS} needed"
    assert all(not d.significant for d in found.drivers)


@scenario
def no_pulse() -> Scenario:
    """Truth: no pulse was ever run. Renewals' adoption rose, then fell for ten weeks; the
    other teams rise on schedule. Nobody knows why Renewals falls: the finding must say to
    ask, point at no step, and invent no pulse evidence."""
    others = ("Inside Sales", "Field Sales", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            teams=[
                TeamSpec("Renewals", 20, adoption=rise_then_fall(8, 40, 9, 2.0)),
                *crew(others),
            ],
            seed=17,
        ),
        must=[Expect(kind="adoption", team="Renewals", step=None, text=ASK_WHY)],
        must_not=[
            *quiet_about(*others),
            *(Expect(kind=kind) for kind in ("hotspot", "barrier", "resistance", "driver")),
            Expect(text="pulse of"),
            Expect(text="ADKAR barrier point"),
            Expect(text="likeliest reason measured"),
            Expect(kind="adoption", step=frozenset(STEP_KEYS)),
        ],
        check=_no_pulse_at_all,
    )


def _no_pulse_at_all(found: Diagnosis, built: Built) -> None:
    assert found.pulse is None and found.teams == ()


@scenario
def no_metrics() -> Scenario:
    """Truth: no adoption figures were ever imported. Step 4 (communicate) is in progress,
    rated 2.0 by leaders and about 2.3 by staff, while empower is under way: the stall.
    Across the organisation staff are stuck at ADKAR knowledge (about 2.5). Without
    metrics nothing can be said about adoption, but the steps and the pulse still speak."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    return Scenario(
        Rollout(
            steps={**STEADY_STEPS, "communicate": "in_progress", "wins": "not_started"},
            evidence={"communicate": 1},
            ratings=leaders(5, communicate=2.0, empower=3.4, wins=1.4),
            survey=STARTER_PULSE,
            teams=[
                TeamSpec(
                    name, adoption=None, pulse={"adkar_knowledge": 2.5, "kotter_communicate": 2.3}
                )
                for name in teams
            ],
            seed=18,
        ),
        must=[
            Expect(kind="stall", step="communicate", severity=HIGH),
            Expect(kind="barrier", step="empower", text="stuck at knowledge"),
        ],
        must_not=[
            *stalls_only_at("communicate"),
            Expect(kind="adoption"),
            Expect(kind="hotspot"),
            Expect(kind="driver"),
            Expect(kind="barrier", step=other_steps("empower")),
        ],
        check=_no_series,
    )


def _no_series(found: Diagnosis, built: Built) -> None:
    assert found.series == () and found.adoption is None


@scenario
def steady_linear_rise() -> Scenario:
    """Truth: every team, and so the whole initiative, rises in a straight line from about
    10 % by 2.4 points a week: about 56 % in week 19, 80 % around week 29, just before the
    target date. It is not flat and not levelling off: the projection gives a date."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*ADKAR,),
            teams=crew(teams, adoption=linear(10, 2.4)),
            whole="teams",
            seed=19,
        ),
        must_not=[
            *quiet_about(*teams, None),
            Expect(text="levelled off"),
            Expect(text="falling"),
        ],
        check=_projected_date,
    )


def _projected_date(found: Diagnosis, built: Built) -> None:
    whole = found.adoption
    assert whole is not None and whole.team is None
    assert whole.trend.label == "rising"
    assert whole.projection is not None and whole.projection.state == "date", whole.projection
    # about week 29 on the straight line; a projection within eight weeks of it is fair
    assert whole.projected_on is not None and week(25) <= whole.projected_on <= week(37)


@scenario
def organisation_levels_off_at_desire() -> Scenario:
    """Truth: adoption across the initiative rose to about 45 % in twelve weeks and has
    been flat since, far short of 80 %. Staff everywhere understand the change but do not
    want it (ADKAR desire about 2.5): the whole initiative's finding and the barrier
    finding both point at the vision (step 3), and the barrier is serious because
    adoption is behind."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*ADKAR, "kotter_vision"),
            teams=[TeamSpec(name, pulse={"adkar_desire": 2.5}) for name in teams],
            whole=levels_off(8, 45, 12),
            seed=20,
        ),
        must=[
            Expect(kind="adoption", team=None, step="vision", text="levelled off"),
            Expect(kind="barrier", step="vision", severity=HIGH, text="stuck at desire"),
        ],
        must_not=[
            Expect(kind="barrier", step=other_steps("vision")),
            Expect(kind="adoption", step=other_steps("vision")),
            Expect(kind="stall"),
        ],
    )


@scenario
def leaders_see_a_different_rollout() -> Scenario:
    """Truth: leaders rate communicating the vision 4.6; staff say their managers hardly
    talk about it (about 2.3). The step is not stalling (done, with evidence), but leaders
    and staff see it very differently: a serious perception gap at step 4."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5, communicate=4.6),
            survey=STARTER_PULSE,
            teams=crew(teams, pulse={"kotter_communicate": 2.3}),
            whole="teams",
            seed=21,
        ),
        must=[Expect(kind="gap", step="communicate", severity=HIGH)],
        must_not=[
            Expect(kind="stall"),
            Expect(kind="skipped", step="communicate"),
            Expect(kind="gap", step=other_steps("communicate")),
            *quiet_about(*teams, None),
        ],
    )


@scenario
def shaky_step_behind_the_stall() -> Scenario:
    """Truth: communicating is done but leaders rate it only 2.8 (staff 3.2): shaky, not
    stalled. Empower is in progress, rated 2.2 by leaders and about 2.3 by staff, while
    short-term wins have started: the stall is at empower, and communicate is an earlier
    step under way-ahead-of-itself warning, not a second stall."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            evidence={"empower": 1},
            ratings=leaders(5, communicate=2.8, empower=2.2),
            survey=STARTER_PULSE,
            teams=crew(teams, pulse={"kotter_communicate": 3.2, "kotter_empower": 2.3}),
            whole="teams",
            seed=22,
        ),
        must=[
            Expect(kind="stall", step="empower", severity=HIGH),
            Expect(kind="skipped", step="communicate"),
        ],
        must_not=[*stalls_only_at("empower"), Expect(kind="gap"), *quiet_about(*teams, None)],
    )


LARGE = (
    "Team Amber",
    "Team Birch",
    "Team Cedar",
    "Team Dune",
    "Team Elm",
    "Team Fern",
    "Team Grove",
    "Team Heath",
    "Team Iris",
    "Team Juniper",
    "Team Kestrel",
    "Team Linden",
    "Team Maple",
    "Team Nettle",
    "Team Osprey",
    "Team Poplar",
    "Team Quartz",
    "Team Rowan",
)


@scenario
def large_organisation_driver() -> Scenario:
    """Truth: eighteen teams (drivers need 16); the more a team feels its managers and
    colleagues back the CRM (support from 2.2 to 4.6), the faster it adopts, in rank
    order. The other dimensions do not move with adoption. A driver finding names
    support, and the slowest team, behind with weak support, gets a hotspot pointing at
    empowering action (step 5)."""
    count = len(LARGE)
    support = tuple(2.2 + 2.4 * i / (count - 1) for i in range(count))
    paces = tuple(0.55 + 0.75 * i / (count - 1) for i in range(count))
    wobble = (
        3.6,
        4.2,
        3.8,
        3.4,
        4.0,
        3.6,
        4.4,
        3.8,
        3.4,
        4.2,
        3.6,
        4.0,
        3.7,
        4.1,
        3.5,
        3.9,
        4.3,
        3.5,
    )
    teams = [
        TeamSpec(
            name,
            respondents=5,
            pulse={
                "adoption_support": support[i],
                "adoption_ease": wobble[i],
                "adoption_usefulness": wobble[(i + 5) % count],
                "adoption_training": wobble[(i + 7) % count],
            },
            adoption=on_path(pace=paces[i]),
        )
        for i, name in enumerate(LARGE)
    ]
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*ATTITUDES, "kotter_empower"),
            teams=teams,
            seed=23,
        ),
        must=[
            Expect(kind="driver", text="Support from colleagues and managers"),
            Expect(kind="hotspot", team="Team Amber", step="empower", text="do not feel supported"),
        ],
        must_not=[
            *(
                Expect(kind="driver", text=DIMENSIONS_BY_KEY[k].name)
                for k in ("adoption_ease", "adoption_usefulness", "adoption_training")
            ),
            *quiet_about(*LARGE[5:]),
        ],
    )


@scenario
def one_week_of_leave() -> Scenario:
    """Truth: Key Accounts, a team of 12, is on schedule (its users follow the path to
    80 %); in the latest week two more of its users than usual were on leave. One week
    with two people away is not a trend and not a shortfall: no finding about Key
    Accounts. The other teams, also of 12, are on schedule."""
    teams = ("Inside Sales", "Field Sales", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            teams=[
                TeamSpec("Key Accounts", 12, adoption=with_leave(on_path(), -1, 2)),
                *crew(teams, headcount=12),
            ],
            seed=24,
        ),
        must_not=quiet_about("Key Accounts", *teams, None),
        xfail=NOISE,
    )


@scenario
def noisy_but_on_schedule() -> Scenario:
    """Truth: ten teams of 12, every one on the path to 80 % (5 % ahead of it); their
    weekly figures move a person at a time and wobble as people are away, as real
    team figures do. Nobody is behind and nobody has levelled off."""
    teams = tuple(f"Branch {number}" for number in range(1, 11))
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            teams=crew(teams, headcount=12),
            whole="teams",
            seed=25,
        ),
        must_not=quiet_about(*teams, None),
    )


@scenario
def target_date_passed() -> Scenario:
    """Truth: the target date (week 30) has passed two weeks ago and the initiative is at
    about 65 %, still rising slowly: it missed its target, which is serious whatever
    the trend."""
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            teams=[TeamSpec(name, 24) for name in ("Inside Sales", "Field Sales", "Renewals")],
            whole=linear(10, 1.7),
            weeks=32,
            seed=26,
        ),
        must=[
            Expect(
                kind="adoption",
                team=None,
                severity=HIGH,
                text="the target date has passed without reaching 80%",
            ),
        ],
        must_not=[Expect(kind="stall")],
    )


@scenario
def team_hidden_in_the_pulse() -> Scenario:
    """Truth: Partner Desk's adoption rose, then fell for ten weeks. Only three of its
    twelve people answered the pulse, so its figures are hidden (and they say awareness
    1.5). The finding about Partner Desk must not use what the hidden answers say: it
    has no measured reason and asks why. The organisation as a whole has no barrier."""
    others = ("Inside Sales", "Field Sales", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*ADKAR, *RESISTANCE),
            teams=[
                TeamSpec(
                    "Partner Desk",
                    20,
                    respondents=3,
                    pulse={"adkar_awareness": 1.5, "resistance_unknown": 4.7},
                    adoption=rise_then_fall(8, 40, 9, 2.0),
                ),
                *crew(others),
            ],
            seed=27,
        ),
        must=[Expect(kind="adoption", team="Partner Desk", step=None, text="Hear the team out")],
        must_not=[
            Expect(kind="hotspot", team="Partner Desk"),
            Expect(text="ADKAR barrier point"),
            Expect(text="awareness 1.5"),
            Expect(kind="barrier"),
            *NO_RESISTANCE_NAMED,
            *quiet_about(*others, None),
        ],
        check=_partner_desk_hidden,
    )


def _partner_desk_hidden(found: Diagnosis, built: Built) -> None:
    assert "Partner Desk" not in {team.name for team in found.teams}


@scenario
def pulse_improved_since() -> Scenario:
    """Truth: six weeks ago staff everywhere did not see why the change was needed (ADKAR
    awareness about 2.2); the latest pulse, two weeks ago, shows them past it (about
    3.9) and adoption rises on schedule. The barrier is history: no finding names it."""
    teams = ("Inside Sales", "Field Sales", "Key Accounts", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            survey=(*ADKAR, "kotter_urgency"),
            earlier={"adkar_awareness": 2.2, "kotter_urgency": 2.2},
            teams=[TeamSpec(name, 24) for name in teams],
            whole=on_path(),
            seed=28,
        ),
        must_not=[
            Expect(kind="barrier"),
            Expect(text="awareness"),
            Expect(kind="gap"),
            Expect(kind="skipped"),
            *quiet_about(None),
        ],
        check=_latest_campaign_read,
    )


def _latest_campaign_read(found: Diagnosis, built: Built) -> None:
    assert found.pulse is not None and len(found.pulse.results.published) == 2
    assert found.pulse.campaign.opens_at.date() == built.rollout.today - timedelta(days=14)
    assert found.pulse.whole is not None
    awareness = next(d for d in found.pulse.whole.dimensions if d.key == "adkar_awareness")
    assert awareness.mean > 3.5


@scenario
def initiative_stalls_short_of_target() -> Scenario:
    """Truth: adoption across the initiative rose to about 45 % in twelve weeks and has
    been flat for the eight weeks since, far short of the 80 % due in eleven weeks: the
    rollout has stalled (a plateau below target, DOMAIN.md) and will not get there on
    its course. That is at least a medium finding, never a low one. No pulse was run."""
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            teams=[TeamSpec(name, 24) for name in ("Inside Sales", "Field Sales", "Renewals")],
            whole=levels_off(8, 45, 12),
            seed=29,
        ),
        must=[
            Expect(
                kind="adoption",
                team=None,
                text="levelled off",
                severity=frozenset({"medium", "high"}),
            ),
        ],
        check=_levelling_not_projected,
    )


def _levelling_not_projected(found: Diagnosis, built: Built) -> None:
    whole = found.adoption
    assert whole is not None and whole.trend.label == "plateau"
    assert whole.projected_on is None


@scenario
def small_team_stays_private() -> Scenario:
    """Truth: Back Office has four people, fewer than the reporting threshold of five, and
    its adoption fell from 75 % to about 25 % (two of its four stopped). Its figures count
    in the whole initiative only: no finding, chart or series may single it out. The
    other teams, and the initiative as a whole, rise on schedule."""
    others = ("Inside Sales", "Field Sales", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            teams=[
                TeamSpec("Back Office", 4, respondents=0, adoption=rise_then_fall(25, 75, 8, 4)),
                *crew(others, headcount=30),
            ],
            whole="teams",
            seed=30,
        ),
        must_not=[Expect(team="Back Office"), Expect(text="Back Office"), *quiet_about(None)],
        check=_back_office_hidden,
    )


def _back_office_hidden(found: Diagnosis, built: Built) -> None:
    assert "Back Office" in found.hidden_teams
    assert "Back Office" not in {s.team for s in found.series}


@scenario
def falling_while_ahead() -> Scenario:
    """Truth: Key Accounts (30 people) raced to about 75 % by week 10, far ahead of its
    path, and has lost about 2.5 points a week since: about level with the path today
    (about 50 % where it calls for about 54 %) but clearly falling. It is worth saying
    (falling), but it is not behind yet, so not a high finding. No pulse was run."""
    others = ("Inside Sales", "Field Sales", "Service Desk")
    return Scenario(
        Rollout(
            steps=STEADY_STEPS,
            ratings=leaders(5),
            teams=[
                TeamSpec("Key Accounts", 30, adoption=rise_then_fall(10, 75, 10, 2.5)),
                *crew(others),
            ],
            seed=31,
        ),
        must=[
            Expect(
                kind="adoption",
                team="Key Accounts",
                step=None,
                text="is falling",
                severity=frozenset({"medium"}),
            ),
        ],
        must_not=[*quiet_about(*others, None)],
    )


# --- running and scoring ------------------------------------------------------------------------

# Outcomes per backend, for the library's precision and recall (printed by conftest.py).
LEDGER: dict[str, dict[str, Outcome]] = {}
CHECKS: dict[str, dict[str, str | None]] = {}  # backend -> scenario -> failed check, if any


def _backend() -> str:
    return db.engine.dialect.name


def run(name: str) -> tuple[Scenario, Built, Diagnosis, Outcome, str | None]:
    """Build the scenario, diagnose it, score it and record the result; nothing asserted."""
    made = SCENARIOS[name]()
    built = build(made.rollout, name)
    found = built.diagnose()
    outcome = score(name, found.findings, made.must, made.must_not)
    problem = None
    if made.check is not None:
        try:
            made.check(found, built)
        except AssertionError as failure:
            problem = f"check failed: {failure}"
    LEDGER.setdefault(_backend(), {})[name] = outcome
    CHECKS.setdefault(_backend(), {})[name] = problem
    return made, built, found, outcome, problem


def _report(found: Diagnosis, outcome: Outcome, problem: str | None) -> str:
    lines = [f"scenario {outcome.scenario}:"]
    lines += [f"  missing: {m}" for m in outcome.missed]
    lines += [f"  wrong: {w}" for w in outcome.offending]
    if problem:
        lines.append(f"  {problem}")
    lines.append("  findings produced:")
    lines += [f"    {describe(f)}\n      {f.evidence}" for f in found.findings]
    return "\n".join(lines)


def _params() -> list[object]:
    params: list[object] = []
    for name, make in SCENARIOS.items():
        reason = make().xfail
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.mark.parametrize("name", _params())
def test_scenario(app: Flask, name: str) -> None:
    _, _, found, outcome, problem = run(name)
    assert not outcome.missed and not outcome.offending and problem is None, _report(
        found, outcome, problem
    )


def library_scores() -> tuple[float, float, list[Outcome]]:
    """Recall and precision over every scenario on this backend (running those not yet run
    here, e.g. when this test is selected alone): recall is the share of expected findings
    found, precision the share of produced findings that no scenario labels wrong."""
    ledger = LEDGER.setdefault(_backend(), {})
    for name in SCENARIOS:
        if name not in ledger:
            run(name)
    outcomes = [ledger[name] for name in SCENARIOS]
    must = sum(o.must for o in outcomes)
    produced = sum(o.produced for o in outcomes)
    recall = sum(o.found for o in outcomes) / must
    precision = (produced - sum(o.wrong for o in outcomes)) / produced if produced else 1.0
    return recall, precision, outcomes


def test_library_recall(app: Flask) -> None:
    recall, _, outcomes = library_scores()
    assert len(outcomes) >= 15
    missed = [f"{o.scenario}: {m}" for o in outcomes for m in o.missed]
    assert recall >= 0.9, f"recall {recall:.2f}; missed:\n" + "\n".join(missed)


def test_library_precision(app: Flask) -> None:
    _, precision, outcomes = library_scores()
    wrong = [f"{o.scenario}: {w}" for o in outcomes for w in o.offending]
    assert precision >= 0.9, f"precision {precision:.2f}; wrong:\n" + "\n".join(wrong)


# --- nothing in the rules knows the demo --------------------------------------------------------

INSIGHTS = Path(__file__).resolve().parents[2] / "insights"


def _demo_words() -> set[str]:
    """The demo's own names and numbers: multi-word team names, the organisation and its
    people, the initiative, the metric seed. Single generic words ("Sales") are left out."""
    words = {name for name, _, _ in demo.DEMO_TEAMS if " " in name}
    words |= {demo.DEMO_ORGANIZATION, demo.DEMO_ORGANIZATION.split()[0]}
    words |= {login.name for login in demo.DEMO_LOGINS}
    words |= {login.name.split()[0] for login in demo.DEMO_LOGINS}
    words |= {"Customer 360", str(demo.METRIC_SEED), f"{demo.METRIC_SEED:_}"}
    return words


def test_the_rules_know_nothing_of_the_demo() -> None:
    words = _demo_words()
    assert {"Sales North", "Claims Service", "Northwind"} <= words
    sources = sorted(INSIGHTS.glob("*.py"))
    assert sources
    hits = [
        f"{path.name}:{number}: {word!r}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for word in words
        if re.search(rf"\b{re.escape(word)}\b", line)
    ]
    assert not hits, "insights/ names the demo:\n" + "\n".join(hits)
