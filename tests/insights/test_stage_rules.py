"""The pure rules behind the step tracker: no Flask, no database."""

from __future__ import annotations

import math

import pytest

from insights.kotter import STEP_KEYS, STEPS, step
from insights.stages import StepState, skipped_step_warnings, summarize_ratings


def test_the_eight_steps_in_kotters_order_with_the_public_keys() -> None:
    assert STEP_KEYS == (
        "urgency", "coalition", "vision", "communicate", "empower", "wins", "consolidate", "anchor",
    )  # fmt: skip
    assert [s.position for s in STEPS] == list(range(1, 9))
    assert all(3 <= len(s.evidence) <= 5 for s in STEPS)


def test_unknown_step_names_the_valid_keys() -> None:
    with pytest.raises(KeyError, match="urgency"):
        step("speed")


@pytest.mark.parametrize(
    ("scores", "n", "mean", "low", "high", "sd", "disagreement"),
    [
        ([], 0, None, None, None, None, False),
        ([4], 1, 4.0, 4, 4, None, False),
        ([3, 4], 2, 3.5, 3, 4, math.sqrt(0.5), False),
        ([2, 4], 2, 3.0, 2, 4, math.sqrt(2), True),
        ([5, 5, 1], 3, 11 / 3, 1, 5, math.sqrt(16 / 3), True),
        ([3, 3, 3, 3], 4, 3.0, 3, 3, 0.0, False),
        ([2, 3, 3, 4], 4, 3.0, 2, 4, math.sqrt(2 / 3), True),
    ],
)
def test_rating_summary(
    scores: list[int],
    n: int,
    mean: float | None,
    low: int | None,
    high: int | None,
    sd: float | None,
    disagreement: bool,
) -> None:
    summary = summarize_ratings(scores)
    assert summary.n == n
    assert summary.minimum == low and summary.maximum == high
    assert summary.mean == (pytest.approx(mean) if mean is not None else None)
    assert summary.sd == (pytest.approx(sd) if sd is not None else None)
    assert summary.disagreement is disagreement


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_ratings_outside_one_to_five_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="outside 1-5"):
        summarize_ratings([3, bad])


def states(**given: tuple[str, float | None]) -> list[StepState]:
    """All eight steps, not started unless given as key=(status, leader mean)."""
    return [StepState(key, *given.get(key, ("not_started", None))) for key in STEP_KEYS]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param({}, [], id="nothing started"),
        pytest.param(
            {"urgency": ("done", 4.2), "coalition": ("in_progress", None)}, [], id="in order"
        ),
        pytest.param(
            {
                "urgency": ("done", 4.0),
                "coalition": ("done", 3.5),
                "vision": ("done", 2.4),
                "communicate": ("done", 3.1),
                "empower": ("done", 3.0),
                "wins": ("in_progress", None),
            },
            [("communicate", "vision")],
            id="weak step named on the first step done after it",
        ),
        pytest.param(
            {"urgency": ("done", None), "wins": ("in_progress", None)},
            [
                ("wins", "coalition"),
                ("wins", "vision"),
                ("wins", "communicate"),
                ("wins", "empower"),
            ],
            id="each skipped step named once",
        ),
        pytest.param(
            {"urgency": ("in_progress", 2.0), "coalition": ("done", 4.0), "anchor": ("done", 4.0)},
            [
                ("coalition", "urgency"),
                ("anchor", "vision"),
                ("anchor", "communicate"),
                ("anchor", "empower"),
                ("anchor", "wins"),
                ("anchor", "consolidate"),
            ],
            id="weak first step warned on the first step after it",
        ),
        pytest.param(
            {"urgency": ("done", 3.0), "coalition": ("in_progress", None)},
            [],
            id="exactly 3.0 is not weak",
        ),
        pytest.param(
            {"urgency": ("done", 2.99), "coalition": ("not_started", None)},
            [],
            id="weak step but nothing after it under way",
        ),
    ],
)
def test_skipped_step_warnings(
    given: dict[str, tuple[str, float | None]], expected: list[tuple[str, str]]
) -> None:
    warnings = skipped_step_warnings(states(**given))
    assert [(w.stage, w.earlier) for w in warnings] == expected


def test_warning_says_plainly_what_was_skipped_and_why_it_matters() -> None:
    given = {
        "urgency": ("done", 4.0),
        "coalition": ("done", 3.6),
        "vision": ("done", 2.4),
        "wins": ("in_progress", None),
    }
    warnings = {w.earlier: w for w in skipped_step_warnings(states(**given))}
    assert sorted(warnings) == ["communicate", "empower", "vision"]
    assert warnings["vision"].message == (
        "Step 6 'wins' is in progress but step 3 'vision' is rated 2.4 by leaders: without a "
        "shared vision, effort scatters and early results rarely last."
    )


def test_a_step_the_staff_rate_weak_is_weak_too() -> None:
    given = [StepState("vision", "done", 3.5, 2.2), StepState("communicate", "done", 4.0, 3.4)]
    (warning,) = skipped_step_warnings(given)
    assert (warning.stage, warning.earlier) == ("communicate", "vision")
    assert "rated 2.2 by staff" in warning.message
