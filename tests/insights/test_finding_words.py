"""The findings' plain words: period and n, trends without tests, one honest verdict on a target."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from insights.diagnosis import Finding
from insights.diagnosis.words import (
    as_of,
    in_pulse,
    over_weeks,
    people_in_teams,
    target_outlook,
    trend_plain,
)
from insights.trends import DATE, FLAT_OR_FALLING, LEVELLING, REACHED, TOO_FEW_WEEKS

TODAY = date(2026, 11, 28)
START = date(2026, 5, 25)


def _weeks(values: Sequence[float]) -> list[date]:
    return [START + timedelta(weeks=i) for i in range(len(values))]


def _outlook(
    values: Sequence[float],
    *,
    target: float | None = 80.0,
    target_date: date | None = date(2027, 1, 18),
    state: str | None = DATE,
    projected_on: date | None = None,
    unit: str = "%",
    higher_is_better: bool = True,
) -> str:
    return target_outlook(
        _weeks(values), values, target, target_date, unit,
        higher_is_better=higher_is_better, state=state, projected_on=projected_on, today=TODAY,
    )  # fmt: skip


def test_period_and_n_in_plain_words() -> None:
    assert (
        over_weeks((date(2026, 9, 7), date(2026, 11, 16)), "148 people in 9 teams")
        == "Over the 11 weeks to 16 Nov 2026, 148 people in 9 teams"
    )
    assert over_weeks((date(2026, 11, 16), date(2026, 11, 16)), "") == "In the week of 16 Nov 2026"
    assert in_pulse((date(2026, 3, 2), date(2026, 3, 13)), 212) == (
        "In the pulse of 2 to 13 Mar 2026, 212 answers"
    )
    assert in_pulse((date(2026, 2, 23), date(2026, 3, 6)), 1, "9 teams") == (
        "In the pulse of 23 Feb 2026 to 6 Mar 2026, 1 answer, 9 teams"
    )
    assert as_of(TODAY, "rated by 2 leaders") == "As of 28 Nov 2026, rated by 2 leaders"
    assert people_in_teams(148, 9) == "148 people in 9 teams"
    assert people_in_teams(1, 1) == "1 person"
    assert people_in_teams(None, 4) == "4 teams"


@pytest.mark.parametrize(
    ("label", "periods", "words"),
    [
        ("rising", 12, "rising steadily over the last 12 weeks"),
        ("declining", 8, "falling over the last 8 weeks"),
        ("plateau", 6, "flat over the last 6 weeks"),
        (None, 4, "no clear trend yet: 2 more weeks of figures needed"),
        (None, 5, "no clear trend yet: 1 more week of figures needed"),
    ],
)
def test_trends_without_their_tests(label: str | None, periods: int, words: str) -> None:
    assert trend_plain(label, periods) == words
    assert "p =" not in words and "Mann" not in words and "Sen" not in words


def test_reached_says_since_when() -> None:
    values = [40, 50, 60, 70, 81, 79, 82, 84]
    assert _outlook(values, state=REACHED) == (
        f"target reached in the week of {_weeks(values)[6].day} {_weeks(values)[6]:%b %Y}"
    )
    # lower is better: at or under the target counts as reached
    assert _outlook([9, 8, 6, 5], target=6, unit="days", higher_is_better=False).startswith(
        "target reached in the week of"
    )


def test_on_track_only_with_a_date_still_ahead() -> None:
    values = [20, 30, 40, 50, 60, 70]
    ahead = date(2027, 1, 4)
    assert _outlook(values, projected_on=ahead) == (
        "on track: expected to reach 80% about 4 Jan 2027"
    )
    late = date(2027, 3, 1)
    assert _outlook(values, projected_on=late) == (
        "behind: 10 points short; on the current trend it reaches 80% about 1 Mar 2027, "
        "after the target date of 18 Jan 2027"
    )


def test_a_projected_date_already_past_is_not_a_projection() -> None:
    values = [20, 30, 40, 50, 60, 70]
    words = _outlook(values, projected_on=date(2026, 11, 17))
    assert words == "behind: 10 points short; on the current trend the target is not reached"
    assert "17 Nov" not in words and "expected" not in words


def test_a_passed_target_date_gives_the_latest_value() -> None:
    values = [70, 75, 80, 82, 84, 84.4]
    words = _outlook(values, target=85, target_date=date(2026, 11, 17), projected_on=None)
    assert words == "target date passed on 17 Nov 2026; the latest value is 84.4% against 85%"


NOT_REACHED = "on the current trend the target is not reached"


@pytest.mark.parametrize(
    ("state", "values", "words"),
    [
        (TOO_FEW_WEEKS, [10, 20, 30],
         "no clear trend yet (30% against 80%): 3 more weeks of figures needed"),
        (TOO_FEW_WEEKS, [10, 20, 30, 31, 33, 34, 36],
         "no clear trend yet (36% against 80%): a few more weeks will tell"),
        (LEVELLING, [40, 50, 60, 64, 65, 66],
         f"behind: 14 points short, and levelling off; {NOT_REACHED}"),
        (FLAT_OR_FALLING, [45, 44, 43, 42, 41, 41],
         f"behind: 39 points short, flat or falling; {NOT_REACHED}"),
    ],
)  # fmt: skip
def test_behind_and_too_early_are_distinct(state: str, values: Sequence[float], words: str) -> None:
    assert _outlook(values, state=state) == words
    assert "reached:" not in words


def test_no_target() -> None:
    assert _outlook([1, 2, 3], target=None) == "no target set"


def test_the_executive_text_leads_with_period_and_n() -> None:
    finding = Finding(
        "barrier", "medium", "Staff are stuck", "Reinforcement 3.0/5 (n=130)", "Act",
        basis="In the pulse of 17 to 23 Nov 2026, 130 answers",
        plain="reinforcement scores 3.0 of 5",
    )  # fmt: skip
    assert finding.executive == (
        "In the pulse of 17 to 23 Nov 2026, 130 answers: reinforcement scores 3.0 of 5"
    )
    assert Finding("actions", "low", "t", "Overdue.", "s").executive == "Overdue."
