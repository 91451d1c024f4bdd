"""Scoring the leadership-practices 360: self vs observers, per practice and per behaviour.

Input is what the database can add up without handing out single answers: per
behaviour and relationship, how many observers answered and the sum of their
ratings; and the leader's own 30 ratings.

Anonymity (docs/domain.md): an observer figure, whether for all observers,
a relationship group or a single behaviour, is shown only when at least
``min_observers`` observers are behind it (3 by default, never fewer). The
relationship groups go through :func:`survey.anonymity.plan_groups`, the one
suppression rule of the product, so no hidden group can be got by subtracting
the visible ones from the overall figure. The manager is the exception Kouzes
& Posner allow: their rating is not anonymous anyway, so it may be shown on its
own when the organisation turns that on, but never when it would give away the
few other observers by subtraction.

Gaps (self minus observers) are flagged both ways:

* per behaviour when at least :data:`BEHAVIOUR_GAP` = 1.5 points on the 1-10
  scale. With the minimum of three observers, one observer moving by 4-5
  points shifts their mean by about 1.5, so smaller gaps are within what a
  single person's mood can produce; 1.5 points is also 15 % of the scale,
  a difference people recognise as real in a feedback conversation.
* per practice when at least :data:`PRACTICE_GAP` = 6 points on the 6-60
  practice score: one full scale point on every one of its six behaviours on
  average, a systematic difference rather than one odd item.

Gaps are rounded to one decimal, as shown, before the comparison, so that a
gap printed as "1.5" is always flagged and "1.4" never is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from survey.anonymity import plan_groups
from survey.languages import N_
from survey.practices import (
    BEHAVIOURS,
    BEHAVIOURS_BY_KEY,
    DEFAULT_MIN_OBSERVERS,
    PRACTICES,
    RELATIONSHIPS,
    SCALE_MAX,
    SCALE_MIN,
    Behaviour,
    Practice,
)

BEHAVIOUR_GAP = 1.5
PRACTICE_GAP = 6.0
GAP_DECIMALS = 1
# Never below 3 observers, whatever the setting says (see config.py).
LOWEST_MIN_OBSERVERS = DEFAULT_MIN_OBSERVERS
RANKED = 5

Flag = Literal["over", "under"]
GroupStatus = Literal["shown", "manager", "too_few", "protecting", "none"]


@dataclass(frozen=True)
class ItemAggregate:
    """What the database adds up per behaviour and relationship: n observers, sum of ratings."""

    item_key: str
    relationship: str
    n: int
    total: int


def gap_flag(gap: float | None, threshold: float) -> Flag | None:
    """``over`` when the leader rates themself higher than observers by the threshold or more."""
    if gap is None:
        return None
    shown = round(gap, GAP_DECIMALS)
    if shown >= threshold:
        return "over"
    if shown <= -threshold:
        return "under"
    return None


@dataclass(frozen=True)
class BehaviourScore:
    behaviour: Behaviour
    self_value: int | None
    observers: float | None  # observers' mean, 1-10; None when too few are behind it
    observer_n: int

    @property
    def gap(self) -> float | None:
        if self.self_value is None or self.observers is None:
            return None
        return self.self_value - self.observers

    @property
    def flag(self) -> Flag | None:
        return gap_flag(self.gap, BEHAVIOUR_GAP)


@dataclass(frozen=True)
class PracticeScore:
    practice: Practice
    self_score: int | None  # sum of the leader's six ratings, 6-60
    observers: float | None  # observers' mean practice score, 6-60
    observer_n: int

    @property
    def gap(self) -> float | None:
        if self.self_score is None or self.observers is None:
            return None
        return self.self_score - self.observers

    @property
    def flag(self) -> Flag | None:
        return gap_flag(self.gap, PRACTICE_GAP)


@dataclass(frozen=True)
class GroupRow:
    """One relationship group: its n always, its practice scores only when it may be shown.

    ``status``: ``shown`` (enough observers), ``manager`` (shown on its own as
    the organisation allows), ``too_few`` (``observers_needed`` more to show it),
    ``protecting`` (enough observers, but hidden so that a smaller group cannot
    be worked out by subtraction), ``none`` (nobody from this group yet).
    """

    relationship: str
    label: str
    n: int
    status: GroupStatus
    practices: tuple[float, ...] | None  # in PRACTICES order
    observers_needed: int


@dataclass(frozen=True)
class PooledGroup:
    """Groups too small on their own, shown together once they reach the threshold."""

    relationships: tuple[str, ...]
    n: int
    practices: tuple[float, ...]

    @property
    def label(self) -> str:
        return self.label_in(lambda message: message)

    def label_in(self, gettext: Callable[[str], str]) -> str:
        """The groups' names joined, each through ``gettext`` (a page's language)."""
        return " + ".join(gettext(RELATIONSHIP_PLURALS[key]) for key in self.relationships)


# Marked for the catalogues; pages show them through gettext (``PooledGroup.label_in``).
RELATIONSHIP_PLURALS = {
    "manager": N_("Manager"),
    "peer": N_("Peers"),
    "direct_report": N_("Direct reports"),
    "other": N_("Others"),
}


@dataclass(frozen=True)
class PracticeReport:
    min_observers: int
    observer_n: int
    observers_shown: bool
    observers_needed: int
    has_self: bool
    practices: tuple[PracticeScore, ...]
    behaviours: tuple[BehaviourScore, ...]
    strongest: tuple[BehaviourScore, ...]
    weakest: tuple[BehaviourScore, ...]
    ranked_by: Literal["observers", "self"] | None
    groups: tuple[GroupRow, ...]
    pooled: PooledGroup | None
    # The organisation shows the manager on their own, but it would reveal the others now.
    manager_held_back: bool

    @property
    def flagged_behaviours(self) -> tuple[BehaviourScore, ...]:
        return tuple(score for score in self.behaviours if score.flag)


def _check(aggregates: Iterable[ItemAggregate], self_answers: Mapping[str, int]) -> None:
    for row in aggregates:
        if row.item_key not in BEHAVIOURS_BY_KEY:
            raise ValueError(f"unknown behaviour {row.item_key!r}")
        if row.relationship not in RELATIONSHIPS:
            raise ValueError(f"unknown observer relationship {row.relationship!r}")
        if row.n < 0 or not SCALE_MIN * row.n <= row.total <= SCALE_MAX * row.n:
            raise ValueError(f"impossible aggregate {row!r}")
    for key, value in self_answers.items():
        if key not in BEHAVIOURS_BY_KEY:
            raise ValueError(f"unknown behaviour {key!r}")
        if not SCALE_MIN <= value <= SCALE_MAX:
            raise ValueError(f"self rating {value} of {key} is off the 1-10 scale")


def _item_means(
    cells: Mapping[tuple[str, str], tuple[int, int]], relationships: Sequence[str], min_n: int
) -> dict[str, float]:
    """Mean per behaviour over the given groups together, for behaviours with ``min_n`` or more."""
    means = {}
    for behaviour in BEHAVIOURS:
        n = sum(cells.get((behaviour.key, rel), (0, 0))[0] for rel in relationships)
        total = sum(cells.get((behaviour.key, rel), (0, 0))[1] for rel in relationships)
        if n and n >= min_n:
            means[behaviour.key] = total / n
    return means


def _practice_scores(item_means: Mapping[str, float]) -> tuple[float, ...] | None:
    """Mean practice scores (sum of six behaviour means); None unless all 30 are known."""
    if len(item_means) < len(BEHAVIOURS):
        return None
    return tuple(
        sum(item_means[b.key] for b in BEHAVIOURS if b.practice == practice.key)
        for practice in PRACTICES
    )


def _self_practice(self_answers: Mapping[str, int], practice: Practice) -> int | None:
    values = [self_answers.get(b.key) for b in BEHAVIOURS if b.practice == practice.key]
    if any(value is None for value in values):
        return None
    return sum(value for value in values if value is not None)


def _ranked(
    behaviours: Sequence[BehaviourScore], by: Literal["observers", "self"], *, strongest: bool
) -> tuple[BehaviourScore, ...]:
    """Five behaviours by score; ties go to the earlier item so the order never flickers."""
    rated = [
        (value, item)
        for item in behaviours
        if (value := item.observers if by == "observers" else item.self_value) is not None
    ]
    rated.sort(key=lambda pair: (-pair[0] if strongest else pair[0], pair[1].behaviour.number))
    return tuple(item for _, item in rated[:RANKED])


def _groups(
    cells: Mapping[tuple[str, str], tuple[int, int]],
    counts: Mapping[str, int],
    min_observers: int,
    show_manager: bool,
) -> tuple[tuple[GroupRow, ...], PooledGroup | None, bool]:
    others_n = sum(n for rel, n in counts.items() if rel != "manager")
    manager_n = counts.get("manager", 0)
    manager_alone = show_manager and manager_n > 0 and (others_n == 0 or others_n >= min_observers)
    planned = {rel: n for rel, n in counts.items() if not (manager_alone and rel == "manager")}
    plan = plan_groups(planned, min_observers)
    rows = []
    for rel in RELATIONSHIPS:
        label = RELATIONSHIP_PLURALS[rel]
        n = counts.get(rel, 0)
        if manager_alone and rel == "manager":
            status: GroupStatus = "manager"
        elif plan.is_shown(rel):
            status = "shown"
        elif n == 0:
            status = "none"
        elif n < min_observers:
            status = "too_few"
        else:
            status = "protecting"
        practices = (
            _practice_scores(_item_means(cells, [rel], 1))
            if status in {"shown", "manager"}
            else None
        )
        needed = max(0, min_observers - n) if status in {"too_few", "none"} else 0
        rows.append(GroupRow(rel, label, n, status, practices, needed))
    pooled = None
    separately = [row for row in rows if row.status in {"shown", "manager"}]
    if plan.pooled_reportable and separately:
        scores = _practice_scores(_item_means(cells, plan.pooled, min_observers))
        if scores is not None:
            pooled = PooledGroup(plan.pooled, plan.pooled_respondents, scores)
    manager_held_back = show_manager and manager_n > 0 and not manager_alone
    return tuple(rows), pooled, manager_held_back


def practice_report(
    aggregates: Iterable[ItemAggregate],
    self_answers: Mapping[str, int],
    *,
    min_observers: int = DEFAULT_MIN_OBSERVERS,
    show_manager: bool = False,
) -> PracticeReport:
    """The whole 360 report of one leader, with every observer figure already through the rules.

    ``aggregates`` hold observers only (no ``self`` rows); every behaviour is
    required, so a group's number of observers is its largest per-behaviour n.
    """
    if min_observers < LOWEST_MIN_OBSERVERS:
        raise ValueError(f"min_observers must be at least {LOWEST_MIN_OBSERVERS}")
    rows = list(aggregates)
    _check(rows, self_answers)
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        n, total = cells.get((row.item_key, row.relationship), (0, 0))
        cells[(row.item_key, row.relationship)] = (n + row.n, total + row.total)
        counts[row.relationship] = max(counts[row.relationship], n + row.n)
    observer_n = sum(counts.values())
    shown = observer_n >= min_observers
    item_means = _item_means(cells, list(RELATIONSHIPS), min_observers) if shown else {}
    item_n = {
        b.key: sum(cells.get((b.key, rel), (0, 0))[0] for rel in RELATIONSHIPS) for b in BEHAVIOURS
    }
    behaviours = tuple(
        BehaviourScore(b, self_answers.get(b.key), item_means.get(b.key), item_n[b.key])
        for b in BEHAVIOURS
    )
    overall = _practice_scores(item_means)
    practices = tuple(
        PracticeScore(
            practice,
            _self_practice(self_answers, practice),
            overall[index] if overall is not None else None,
            observer_n,
        )
        for index, practice in enumerate(PRACTICES)
    )
    ranked_by: Literal["observers", "self"] | None = (
        "observers" if item_means else ("self" if self_answers else None)
    )
    groups, pooled, manager_held_back = _groups(cells, counts, min_observers, show_manager)
    return PracticeReport(
        min_observers=min_observers,
        observer_n=observer_n,
        observers_shown=shown,
        observers_needed=max(0, min_observers - observer_n),
        has_self=len(self_answers) == len(BEHAVIOURS),
        practices=practices,
        behaviours=behaviours,
        strongest=_ranked(behaviours, ranked_by, strongest=True) if ranked_by else (),
        weakest=_ranked(behaviours, ranked_by, strongest=False) if ranked_by else (),
        ranked_by=ranked_by,
        groups=groups,
        pooled=pooled,
        manager_held_back=manager_held_back,
    )
