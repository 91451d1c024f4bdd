"""Scoring rules by hand tables and against independent reference values; no app needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from survey.instruments import RECOMMEND10, TEXT, Item
from survey.scoring import (
    ADKAR_ORDER,
    DimensionScore,
    adkar_barrier,
    alpha_verdict,
    cronbach_alpha,
    cronbach_alpha_from_covariance,
    dimension_score,
    enps,
    recode,
)

REFERENCE = Path(__file__).parents[1] / "reference" / "scoring_cases.json"


def _reference(section: str) -> list[dict[str, Any]]:
    if not REFERENCE.exists():
        pytest.skip(f"reference values not found at {REFERENCE}")
    return json.loads(REFERENCE.read_text())[section]


def _cases(section: str) -> list[Any]:
    """Parametrize from the reference file, or one skipped case when it is missing."""
    if not REFERENCE.exists():
        reason = f"reference values not found at {REFERENCE}"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    return [
        pytest.param(case, id=str(case.get("name", i)))
        for i, case in enumerate(json.loads(REFERENCE.read_text())[section])
    ]


FORWARD = Item("f", "d", "A positively worded statement.")
REVERSE = Item("r", "d", "A negatively worded statement.", reverse=True)
RECOMMEND = Item("n", "recommend", "Recommend?", RECOMMEND10)
REVERSE_RECOMMEND = Item("nr", "custom", "Reverse 0-10.", RECOMMEND10, reverse=True)


@pytest.mark.parametrize(
    ("value", "item", "expected"),
    [
        (1, FORWARD, 1), (3, FORWARD, 3), (5, FORWARD, 5),
        (1, REVERSE, 5), (2, REVERSE, 4), (3, REVERSE, 3), (4, REVERSE, 2), (5, REVERSE, 1),
        (7, RECOMMEND, 7), (0, REVERSE_RECOMMEND, 10), (10, REVERSE_RECOMMEND, 0),
        (3, REVERSE_RECOMMEND, 7),
    ],
)  # fmt: skip
def test_reverse_coding_is_min_plus_max_minus_x(value: int, item: Item, expected: int) -> None:
    assert recode(value, item) == expected


@pytest.mark.parametrize(("value", "item"), [(0, FORWARD), (6, REVERSE), (11, RECOMMEND)])
def test_values_off_the_scale_are_refused(value: int, item: Item) -> None:
    with pytest.raises(ValueError, match="outside"):
        recode(value, item)


def test_free_text_has_no_score() -> None:
    with pytest.raises(ValueError, match="free text"):
        recode(3, Item("c", "comment", "Anything else?", TEXT, required=False))


@pytest.mark.parametrize(
    ("counts", "mean", "favourable", "answers"),
    [
        # One forward item: 1x1, 1x2, 1x3, 1x4, 1x5 -> mean 3, favourable 2/5.
        ({"f": {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}}, 3.0, 40.0, 5),
        # Everyone strongly agrees.
        ({"f": {5: 4}}, 5.0, 100.0, 4),
        # Reverse item: raw 1 and 2 are favourable after recoding (5 and 4).
        ({"r": {1: 2, 2: 1, 5: 1}}, (5 + 5 + 4 + 1) / 4, 75.0, 4),
        # Pooled: f raw 4,4,2 and r raw 2,3 -> recoded 4,4,2,4,3: mean 17/5, favourable 3/5.
        ({"f": {4: 2, 2: 1}, "r": {2: 1, 3: 1}}, 17 / 5, 60.0, 5),
        # Neutral answers are never favourable.
        ({"f": {3: 3}, "r": {3: 2}}, 3.0, 0.0, 5),
        # Zero counts are no answers.
        ({"f": {4: 0}, "r": {}}, None, None, 0),
        ({}, None, None, 0),
        # Answers to items outside the dimension are ignored.
        ({"f": {2: 2}, "elsewhere": {5: 10}}, 2.0, 0.0, 2),
    ],
)
def test_dimension_score_from_tallies(
    counts: dict[str, dict[int, int]], mean: float | None, favourable: float | None, answers: int
) -> None:
    score = dimension_score([FORWARD, REVERSE], counts)
    assert score == DimensionScore(
        pytest.approx(mean) if mean is not None else None, favourable, answers
    )


def test_dimension_score_pools_only_five_point_items() -> None:
    comment = Item("c", "d", "Anything else?", TEXT, required=False)
    score = dimension_score([FORWARD, RECOMMEND, comment], {"f": {4: 1}, "n": {10: 3}})
    assert score == DimensionScore(4.0, 100.0, 1)


@pytest.mark.parametrize(
    "counts", [{"f": {6: 1}}, {"r": {0: 2}}, {"f": {4: -1}}], ids=["six", "zero", "negative"]
)
def test_dimension_score_refuses_impossible_tallies(counts: dict[str, dict[int, int]]) -> None:
    with pytest.raises(ValueError):
        dimension_score([FORWARD, REVERSE], counts)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, None),
        ({9: 0, 3: 0}, None),
        ({10: 1}, 100.0),
        ({0: 1}, -100.0),
        ({7: 3, 8: 5}, 0.0),
        # Boundaries: 9 promotes, 6 detracts, 7 and 8 are passive.
        ({9: 1, 8: 1, 7: 1, 6: 1}, 0.0),
        # 3 promoters, 2 passives, 5 detractors of 10 -> 30% - 50%.
        ({10: 2, 9: 1, 8: 1, 7: 1, 6: 2, 5: 1, 0: 2}, -20.0),
    ],
)
def test_enps_by_hand(counts: dict[int, int], expected: float | None) -> None:
    assert enps(counts) == expected


@pytest.mark.parametrize("case", _cases("enps"))
def test_enps_reference_cases(case: dict[str, Any]) -> None:
    counts: dict[int, int] = {}
    for value in case["answers"]:
        counts[value] = counts.get(value, 0) + 1
    assert enps(counts) == pytest.approx(case["enps"])


@pytest.mark.parametrize("counts", [{11: 1}, {-1: 1}, {5: -2}])
def test_enps_refuses_impossible_tallies(counts: dict[int, int]) -> None:
    with pytest.raises(ValueError):
        enps(counts)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ((5, 5, 5, 5, 5), None),
        ((4, 4, 4, 4, 4), None),
        ((3, 5, 5, 5, 5), "awareness"),
        ((5, 1, 1, 1, 1), "desire"),
        ((5, 4, 3, 2, 1), "knowledge"),
        ((4, 4, 4, 3, 5), "ability"),
        ((4, 4, 4, 4, 3), "reinforcement"),
        ((3.01, 4, 4, 4, 4), None),
    ],
)
def test_adkar_barrier_by_hand(scores: tuple[float, ...], expected: str | None) -> None:
    assert adkar_barrier(dict(zip(ADKAR_ORDER, scores, strict=True))) == expected


def test_adkar_barrier_skips_unanswered_elements() -> None:
    assert adkar_barrier({"desire": 4, "ability": 2}) == "ability"
    assert adkar_barrier({}) is None


@pytest.mark.parametrize("case", _cases("adkar_barrier"))
def test_adkar_barrier_reference_cases(case: dict[str, Any]) -> None:
    scores = dict(zip(ADKAR_ORDER, case["scores"], strict=True))
    assert adkar_barrier(scores) == case["barrier_point"]


def test_cronbach_alpha_by_hand_with_sample_variances() -> None:
    # Item 1: 2, 4, 3 -> variance (1 + 1 + 0) / 2 = 1.
    # Item 2: 3, 5, 3 -> mean 11/3, variance (4/9 + 16/9 + 4/9) / 2 = 4/3.
    # Totals: 5, 9, 6 -> mean 20/3, variance (25/9 + 49/9 + 4/9) / 2 = 13/3.
    # alpha = 2/1 * (1 - (1 + 4/3) / (13/3)) = 2 * 6/13 = 12/13.
    rows = [[2, 3], [4, 5], [3, 3]]
    assert cronbach_alpha(rows) == pytest.approx(12 / 13)
    # Covariance of the items: ((-1)(-2/3) + (1)(4/3) + 0) / 2 = 1.
    assert cronbach_alpha_from_covariance([[1, 1], [1, 4 / 3]]) == pytest.approx(12 / 13)


@pytest.mark.parametrize("case", _cases("cronbach_alpha"))
def test_cronbach_alpha_reference_cases(case: dict[str, Any]) -> None:
    rows = case["answers"]
    assert cronbach_alpha(rows) == pytest.approx(case["alpha"], abs=1e-9)
    cov = np.cov(np.array(rows, dtype=float), rowvar=False, ddof=1).tolist()
    assert cronbach_alpha_from_covariance(cov) == pytest.approx(case["alpha"], abs=1e-9)


def test_reference_reverse_coded_case_recodes_as_stated() -> None:
    (case,) = [c for c in _reference("cronbach_alpha") if c["name"] == "reverse_coded_third_item"]
    raw = [[4, 5, 2], [2, 2, 4], [5, 4, 1], [3, 3, 3], [1, 2, 5], [4, 4, 2]]
    items = [FORWARD, FORWARD, REVERSE]
    recoded = [[recode(v, item) for v, item in zip(row, items, strict=True)] for row in raw]
    assert recoded == case["answers"]
    assert cronbach_alpha(recoded) == pytest.approx(case["alpha"])


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [[4, 5, 3]],  # one respondent
        [[4], [3], [5]],  # one item
        [[3, 3], [3, 3], [3, 3]],  # nobody varies
        [[1, 5], [5, 1], [3, 3]],  # items cancel out: the totals do not vary
    ],
)
def test_cronbach_alpha_none_when_it_cannot_be_computed(rows: list[list[int]]) -> None:
    assert cronbach_alpha(rows) is None


def test_cronbach_alpha_refuses_ragged_rows() -> None:
    with pytest.raises(ValueError):
        cronbach_alpha([[1, 2], [3]])


@pytest.mark.parametrize(
    "cov",
    [
        [],
        [[2.0]],
        [[0.0, 0.0], [0.0, 0.0]],
        # Items that cancel out, with rounding noise: the total "varies" by 5.6e-17.
        [[0.1 + 0.2, -0.3], [-0.3, 0.3]],
    ],
)
def test_covariance_alpha_none_when_it_cannot_be_computed(cov: list[list[float]]) -> None:
    assert cronbach_alpha_from_covariance(cov) is None


def test_covariance_alpha_refuses_a_non_square_matrix() -> None:
    with pytest.raises(ValueError, match="square"):
        cronbach_alpha_from_covariance([[1.0, 0.5]])


@pytest.mark.parametrize(
    ("alpha", "respondents", "starts", "caution"),
    [
        (None, 0, "not enough answers", False),
        (None, 1, "not enough answers", False),
        (None, 30, "cannot be computed", False),
        (-0.4, 30, "questionable", False),
        (0.69, 30, "questionable", False),
        (0.7, 30, "acceptable", False),
        (0.79, 30, "acceptable", False),
        (0.8, 30, "good", False),
        (0.95, 30, "good", False),
        (0.951, 30, "very high", False),
        (0.85, 9, "good", True),
        (0.85, 10, "good", False),
        (0.6, 4, "questionable", True),
    ],
)
def test_alpha_verdict(alpha: float | None, respondents: int, starts: str, caution: bool) -> None:
    verdict = alpha_verdict(alpha, respondents)
    assert verdict.startswith(starts)
    assert ("caution" in verdict) is caution


def test_alpha_verdict_names_redundancy() -> None:
    assert "redundant" in alpha_verdict(0.97, 50)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_alpha_refuses_values_that_are_not_numbers(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        cronbach_alpha([[1, 2], [bad, 3], [4, 5]])
