"""The 360 scoring rules, checked against tables worked out by hand. No app, no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from survey.practice_scoring import (
    BEHAVIOUR_GAP,
    PRACTICE_GAP,
    ItemAggregate,
    PracticeReport,
    gap_flag,
    practice_report,
)
from survey.practice_team_view import team_view
from survey.practices import BEHAVIOURS, PRACTICE_KEYS

PracticeValues = Mapping[str, int]


def observers(relationship: str, *people: PracticeValues) -> list[ItemAggregate]:
    """Aggregates as the database's GROUP BY gives them, for observers who rate every
    behaviour of a practice alike (``{"model": 8, ...}`` per person)."""
    return [
        ItemAggregate(
            b.key, relationship, len(people), sum(person[b.practice] for person in people)
        )
        for b in BEHAVIOURS
    ]


def alike(value: int) -> dict[str, int]:
    return dict.fromkeys(PRACTICE_KEYS, value)


def self_answers(per_practice: PracticeValues) -> dict[str, int]:
    return {b.key: per_practice[b.practice] for b in BEHAVIOURS}


def by_practice(report: PracticeReport, field: str) -> dict[str, object]:
    return {score.practice.key: getattr(score, field) for score in report.practices}


# Three peers; practice scores are 6 x their mean rating:
#             model inspire challenge enable encourage
# peer 1        8      6       7        5       4
# peer 2        9      7       7        6       3
# peer 3        7      8       4        7       5
# mean          8      7       6        6       4
# x 6          48     42      36       36      24
# self          8      9       5        7       9   -> 48 54 30 42 54
# gap (x 6)     0    +12      -6       +6     +30
PEERS = observers(
    "peer",
    {"model": 8, "inspire": 6, "challenge": 7, "enable": 5, "encourage": 4},
    {"model": 9, "inspire": 7, "challenge": 7, "enable": 6, "encourage": 3},
    {"model": 7, "inspire": 8, "challenge": 4, "enable": 7, "encourage": 5},
)
SELF = self_answers({"model": 8, "inspire": 9, "challenge": 5, "enable": 7, "encourage": 9})


def test_self_scores_are_the_sum_of_six_ratings() -> None:
    varied = {b.key: (b.number - 1) // 5 + 1 for b in BEHAVIOURS}  # items 1-5 -> 1, 26-30 -> 6
    report = practice_report([], varied)
    # Every practice has one item in each block of five: 1+2+3+4+5+6 = 21.
    assert by_practice(report, "self_score") == dict.fromkeys(PRACTICE_KEYS, 21)
    assert report.has_self


def test_practice_scores_self_vs_observers_with_gaps_both_ways() -> None:
    report = practice_report(PEERS, SELF)
    assert report.observers_shown and report.observer_n == 3 and report.observers_needed == 0
    assert by_practice(report, "self_score") == {
        "model": 48, "inspire": 54, "challenge": 30, "enable": 42, "encourage": 54,
    }  # fmt: skip
    assert by_practice(report, "observers") == pytest.approx(
        {"model": 48, "inspire": 42, "challenge": 36, "enable": 36, "encourage": 24}
    )
    assert by_practice(report, "gap") == pytest.approx(
        {"model": 0, "inspire": 12, "challenge": -6, "enable": 6, "encourage": 30}
    )
    assert by_practice(report, "flag") == {
        "model": None, "inspire": "over", "challenge": "under", "enable": "over",
        "encourage": "over",
    }  # fmt: skip
    assert {score.observer_n for score in report.practices} == {3}


def test_each_behaviour_self_vs_observers_mean() -> None:
    report = practice_report(PEERS, SELF)
    expected = {  # practice: (self, observers' mean, gap, flag)
        "model": (8, 8.0, 0.0, None),
        "inspire": (9, 7.0, 2.0, "over"),
        "challenge": (5, 6.0, -1.0, None),
        "enable": (7, 6.0, 1.0, None),
        "encourage": (9, 4.0, 5.0, "over"),
    }
    for score in report.behaviours:
        self_value, mean, gap, flag = expected[score.behaviour.practice]
        assert (score.self_value, score.observers, score.gap, score.flag) == (
            self_value,
            pytest.approx(mean),
            pytest.approx(gap),
            flag,
        )
        assert score.observer_n == 3
    assert len(report.flagged_behaviours) == 12


def test_uneven_ratings_within_a_practice_add_up_per_item() -> None:
    # Model the way, items 1, 6, 11, 16, 21, 26: sums over three observers.
    sums = {"b01": 21, "b06": 24, "b11": 18, "b16": 27, "b21": 15, "b26": 30}
    rows = [ItemAggregate(b.key, "direct_report", 3, sums.get(b.key, 15)) for b in BEHAVIOURS]
    report = practice_report(rows, {})
    # 7 + 8 + 6 + 9 + 5 + 10 = 45; the other practices 6 x 5 = 30.
    assert by_practice(report, "observers") == pytest.approx(
        {"model": 45, "inspire": 30, "challenge": 30, "enable": 30, "encourage": 30}
    )
    assert by_practice(report, "gap") == dict.fromkeys(PRACTICE_KEYS)
    assert not report.has_self


@pytest.mark.parametrize(
    ("gap", "threshold", "flag"),
    [
        pytest.param(None, BEHAVIOUR_GAP, None, id="no-gap-without-both-sides"),
        pytest.param(0.0, BEHAVIOUR_GAP, None, id="agree"),
        pytest.param(1.5, BEHAVIOUR_GAP, "over", id="1.5-over"),
        pytest.param(-1.5, BEHAVIOUR_GAP, "under", id="1.5-under"),
        pytest.param(1.44, BEHAVIOUR_GAP, None, id="1.44-shown-as-1.4"),
        pytest.param(1.46, BEHAVIOUR_GAP, "over", id="1.46-shown-as-1.5"),
        pytest.param(8 - 6.5333333, BEHAVIOUR_GAP, "over", id="1.4667-shown-as-1.5"),
        pytest.param(-1.4, BEHAVIOUR_GAP, None, id="-1.4"),
        pytest.param(6.0, PRACTICE_GAP, "over", id="practice-6-over"),
        pytest.param(5.94, PRACTICE_GAP, None, id="practice-5.94"),
        pytest.param(-6.04, PRACTICE_GAP, "under", id="practice-6-under"),
    ],
)
def test_gap_flags(gap: float | None, threshold: float, flag: str | None) -> None:
    assert gap_flag(gap, threshold) == flag


def test_strongest_and_weakest_five_by_observers_ties_to_the_earlier_item() -> None:
    rows = observers(
        "peer", *[{"model": 9, "inspire": 7, "challenge": 5, "enable": 3, "encourage": 8}] * 3
    )
    report = practice_report(rows, self_answers(alike(6)))
    assert report.ranked_by == "observers"
    # Six model items tie at 9: the first five by item number (1, 6, 11, 16, 21).
    assert [s.behaviour.number for s in report.strongest] == [1, 6, 11, 16, 21]
    assert [s.behaviour.number for s in report.weakest] == [4, 9, 14, 19, 24]


def test_strongest_and_weakest_fall_back_to_self_when_observers_are_hidden() -> None:
    answers = {b.key: 1 + (b.number * 7) % 10 for b in BEHAVIOURS}
    report = practice_report(observers("peer", alike(9), alike(9)), answers)
    assert report.ranked_by == "self"
    # 1 + (7n mod 10) is 10 for n = 7, 17, 27; 9 for n = 4, 14, 24; 1 for n = 10, 20, 30;
    # 2 for n = 3, 13, 23.
    assert [s.behaviour.number for s in report.strongest] == [7, 17, 27, 4, 14]
    assert [s.behaviour.number for s in report.weakest] == [10, 20, 30, 3, 13]
    assert report.strongest[0].observers is None


def test_nothing_to_rank_before_anyone_answered() -> None:
    report = practice_report([], {})
    assert (report.ranked_by, report.strongest, report.weakest) == (None, (), ())
    assert report.observers_needed == 3
    assert [row.status for row in report.groups] == ["none"] * 4


def test_two_observers_show_no_observer_figure_anywhere() -> None:
    report = practice_report(observers("peer", alike(9), alike(3)), SELF)
    assert not report.observers_shown
    assert report.observer_n == 2 and report.observers_needed == 1
    assert by_practice(report, "observers") == dict.fromkeys(PRACTICE_KEYS)
    assert {score.observers for score in report.behaviours} == {None}
    assert {score.gap for score in report.behaviours} == {None}
    assert report.pooled is None
    peer = next(row for row in report.groups if row.relationship == "peer")
    assert (peer.n, peer.status, peer.practices, peer.observers_needed) == (2, "too_few", None, 1)
    assert all(row.practices is None for row in report.groups)


def test_a_higher_setting_needs_more_observers() -> None:
    report = practice_report(PEERS, SELF, min_observers=5)
    assert not report.observers_shown and report.observers_needed == 2
    assert by_practice(report, "observers") == dict.fromkeys(PRACTICE_KEYS)


def test_below_three_observers_is_never_allowed() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        practice_report(PEERS, SELF, min_observers=2)


def _groups(report: PracticeReport) -> dict[str, tuple[int, str, object, int]]:
    return {
        row.relationship: (
            row.n,
            row.status,
            None if row.practices is None else tuple(round(x, 2) for x in row.practices),
            row.observers_needed,
        )
        for row in report.groups
    }


def test_a_lone_manager_cannot_be_recovered_from_the_overall_by_subtraction() -> None:
    # Manager 1 (rates 2), peers 3 (rate 8): overall 6 x (2 + 24) / 4 = 39 per practice.
    rows = observers("manager", alike(2)) + observers("peer", *[alike(8)] * 3)
    report = practice_report(rows, {})
    assert by_practice(report, "observers") == pytest.approx(dict.fromkeys(PRACTICE_KEYS, 39))
    # Peers alone (48) would give the manager away: 4 x 39 - 3 x 48 = 12. So they are hidden too.
    assert _groups(report) == {
        "manager": (1, "too_few", None, 2),
        "peer": (3, "protecting", None, 0),
        "direct_report": (0, "none", None, 3),
        "other": (0, "none", None, 3),
    }
    assert report.pooled is None  # the pool is everyone: the overall figure already
    assert not report.manager_held_back


def test_the_manager_on_their_own_when_the_organisation_allows_it() -> None:
    rows = observers("manager", alike(2)) + observers("peer", *[alike(8)] * 3)
    report = practice_report(rows, {}, show_manager=True)
    assert _groups(report) == {
        "manager": (1, "manager", (12.0,) * 5, 0),
        "peer": (3, "shown", (48.0,) * 5, 0),
        "direct_report": (0, "none", None, 3),
        "other": (0, "none", None, 3),
    }
    assert by_practice(report, "observers") == pytest.approx(dict.fromkeys(PRACTICE_KEYS, 39))


def test_the_manager_stays_hidden_when_showing_them_would_reveal_two_peers() -> None:
    # Overall (3 observers) minus a visible manager would give the two peers' mean.
    rows = observers("manager", alike(2)) + observers("peer", alike(8), alike(5))
    report = practice_report(rows, {}, show_manager=True)
    assert report.observers_shown
    assert by_practice(report, "observers") == pytest.approx(dict.fromkeys(PRACTICE_KEYS, 30))
    assert _groups(report)["manager"] == (1, "too_few", None, 2)
    assert _groups(report)["peer"] == (2, "too_few", None, 1)
    assert report.manager_held_back


def test_a_manager_alone_is_shown_when_the_organisation_allows_it_even_as_the_only_one() -> None:
    report = practice_report(observers("manager", alike(7)), {}, show_manager=True)
    assert not report.observers_shown and report.observers_needed == 2
    assert _groups(report)["manager"] == (1, "manager", (42.0,) * 5, 0)


def test_small_groups_are_pooled_and_shown_together_once_large_enough() -> None:
    # The demo's shape: manager 1 and others 2 pool to 3; peers 3 and direct reports 4 shown.
    rows = (
        observers("manager", alike(4))
        + observers("peer", *[alike(6)] * 3)
        + observers("direct_report", *[alike(7)] * 4)
        + observers("other", alike(5), alike(6))
    )
    report = practice_report(rows, {})
    assert report.observer_n == 10
    # Overall: 6 x (4 + 18 + 28 + 11) / 10 = 36.6.
    assert by_practice(report, "observers") == pytest.approx(dict.fromkeys(PRACTICE_KEYS, 36.6))
    assert _groups(report) == {
        "manager": (1, "too_few", None, 2),
        "peer": (3, "shown", (36.0,) * 5, 0),
        "direct_report": (4, "shown", (42.0,) * 5, 0),
        "other": (2, "too_few", None, 1),
    }
    assert report.pooled is not None
    assert report.pooled.relationships == ("manager", "other")
    assert report.pooled.label == "Manager + Others"
    # 6 x (4 + 5 + 6) / 3 = 30.
    assert (report.pooled.n, report.pooled.practices) == (3, pytest.approx((30.0,) * 5))


def test_complementary_suppression_hides_the_smallest_group_that_would_reveal_another() -> None:
    rows = (
        observers("peer", *[alike(6)] * 3)
        + observers("direct_report", *[alike(7)] * 4)
        + observers("other", alike(2))
    )
    report = practice_report(rows, {})
    groups = _groups(report)
    assert groups["direct_report"] == (4, "shown", (42.0,) * 5, 0)
    assert groups["peer"] == (3, "protecting", None, 0)
    assert groups["other"] == (1, "too_few", None, 2)
    assert report.pooled is not None
    # Peers and the one other together: 6 x (18 + 2) / 4 = 30.
    assert (report.pooled.relationships, report.pooled.n) == (("peer", "other"), 4)
    assert report.pooled.practices == pytest.approx((30.0,) * 5)


@pytest.mark.parametrize(
    ("rows", "answers", "message"),
    [
        ([ItemAggregate("b31", "peer", 3, 15)], {}, "unknown behaviour"),
        ([ItemAggregate("b01", "self", 1, 5)], {}, "unknown observer relationship"),
        ([ItemAggregate("b01", "peer", 3, 31)], {}, "impossible"),
        ([ItemAggregate("b01", "peer", 3, 2)], {}, "impossible"),
        ([], {"b01": 11}, "off the 1-10 scale"),
        ([], {"b99": 5}, "unknown behaviour"),
    ],
)
def test_impossible_input_is_refused(
    rows: Sequence[ItemAggregate], answers: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        practice_report(rows, answers)


# --- the leadership team ---------------------------------------------------------------


def test_team_averages_only_leaders_whose_observers_may_be_shown() -> None:
    shown = practice_report(
        observers(
            "peer", *[{"model": 8, "inspire": 4, "challenge": 7, "enable": 6, "encourage": 5}] * 3
        ),
        self_answers({"model": 8, "inspire": 8, "challenge": 6, "enable": 6, "encourage": 9}),
    )
    other_shown = practice_report(
        observers(
            "peer", *[{"model": 6, "inspire": 6, "challenge": 5, "enable": 8, "encourage": 7}] * 4
        ),
        self_answers({"model": 6, "inspire": 6, "challenge": 6, "enable": 6, "encourage": 6}),
    )
    hidden = practice_report(observers("peer", alike(1), alike(1)), self_answers(alike(10)))
    team = team_view([shown, other_shown, hidden])
    assert team.leaders == 3 and team.basis == "observers"
    rows = {item.practice.key: item for item in team.practices}
    # Observers: (48 + 36) / 2 = 42, (24 + 36) / 2 = 30, (42 + 30) / 2 = 36, 42, 36.
    assert {k: r.observers_mean for k, r in rows.items()} == pytest.approx(
        {"model": 42, "inspire": 30, "challenge": 36, "enable": 42, "encourage": 36}
    )
    assert {r.observers_n for r in rows.values()} == {2}
    # Self: (48 + 36 + 60) / 3 = 48, (48 + 36 + 60) / 3 = 48, (36 + 36 + 60) / 3 = 44, ...
    assert rows["model"].self_mean == pytest.approx(48)
    assert rows["challenge"].self_mean == pytest.approx(44)
    assert rows["encourage"].self_mean == pytest.approx((54 + 36 + 60) / 3)
    assert {r.self_n for r in rows.values()} == {3}
    assert team.weakest is not None and team.weakest.practice.key == "inspire"
    assert team.weakest_steps == ("vision", "communicate")


def test_team_weakest_practice_on_self_scores_before_any_observers_and_ties_go_first() -> None:
    one = practice_report(
        [], self_answers({"model": 9, "inspire": 9, "challenge": 4, "enable": 8, "encourage": 4})
    )
    team = team_view([one])
    assert team.basis == "self"
    assert team.weakest is not None and team.weakest.practice.key == "challenge"
    assert team.weakest_steps == ("urgency", "wins")
    assert {item.observers_mean for item in team.practices} == {None}


def test_an_empty_team_has_no_weakest_practice() -> None:
    team = team_view([practice_report([], {})])
    assert (team.basis, team.weakest, team.weakest_steps) == (None, None, ())
    assert team_view([]).leaders == 0
