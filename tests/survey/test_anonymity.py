"""Suppression of small groups: explicit tables and properties over random groups and trees.

The promise (DOMAIN.md, issue 5): no figure about fewer than ``min_size``
people reaches any output, directly or by subtracting shown figures.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.anonymity import GroupPlan, is_reportable, plan_groups, plan_hierarchy

MIN_SIZES = st.integers(min_value=3, max_value=10)
GROUPS = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.integers(min_value=0, max_value=25),
    max_size=8,
)


@pytest.mark.parametrize(
    ("respondents", "min_size", "shown", "pooled", "pooled_n"),
    [
        ({}, 5, (), (), 0),
        ({"a": 5, "b": 9}, 5, ("a", "b"), (), 0),
        # A lone small group cannot hide behind nothing: everything is pooled.
        ({"a": 4}, 5, (), ("a",), 4),
        # One small group: the smallest visible one joins it.
        ({"a": 12, "b": 6, "c": 2}, 5, ("a",), ("b", "c"), 8),
        # Two small groups that are large enough together stay a pool of their own.
        ({"a": 12, "b": 6, "c": 2, "d": 3}, 5, ("a", "b"), ("c", "d"), 5),
        # Ties on size are broken by name, so the plan is the same on every page.
        ({"b": 5, "a": 5, "c": 1}, 5, ("b",), ("a", "c"), 6),
        # Several visible groups may have to join before the pool is big enough.
        ({"a": 3, "b": 3, "c": 1}, 3, ("b",), ("a", "c"), 4),
        ({"a": 10, "b": 1, "c": 1}, 3, (), ("a", "b", "c"), 12),
        # Nobody there: neither shown nor pooled.
        ({"a": 7, "b": 0}, 5, ("a",), (), 0),
        # The threshold itself is enough.
        ({"a": 3, "b": 3}, 3, ("a", "b"), (), 0),
    ],
)
def test_plan_groups_table(
    respondents: dict[str, int],
    min_size: int,
    shown: tuple[str, ...],
    pooled: tuple[str, ...],
    pooled_n: int,
) -> None:
    assert plan_groups(respondents, min_size) == GroupPlan(shown, pooled, pooled_n, min_size)


def test_pooled_remainder_reportable_only_when_big_enough() -> None:
    assert plan_groups({"a": 12, "b": 6, "c": 2}, 5).pooled_reportable
    assert not plan_groups({"a": 4}, 5).pooled_reportable
    assert not plan_groups({"a": 9}, 5).pooled_reportable  # nothing pooled
    assert is_reportable(5, 5) and not is_reportable(4, 5)


@given(GROUPS, MIN_SIZES)
def test_plan_groups_never_reveals_a_small_group(
    respondents: dict[str, int], min_size: int
) -> None:
    plan = plan_groups(respondents, min_size)
    present = {g for g, n in respondents.items() if n > 0}
    total = sum(respondents.values())

    # Every group with people is either shown or pooled, never both; empty ones neither.
    assert set(plan.shown) | set(plan.pooled) == present
    assert not set(plan.shown) & set(plan.pooled)
    assert plan.pooled_respondents == sum(respondents[g] for g in plan.pooled)
    # Shown groups are big enough on their own.
    assert all(respondents[g] >= min_size for g in plan.shown)
    # Subtraction: total minus the shown groups is the pool, which (whenever a
    # total sits beside visible groups) covers nobody or at least min_size people.
    remainder = total - sum(respondents[g] for g in plan.shown)
    assert remainder == plan.pooled_respondents
    if plan.shown:
        assert remainder == 0 or remainder >= min_size
    else:
        # Nothing shown separately: the remainder is the total, shown only if reportable.
        assert remainder == total
    # A pooled group is never alone in the pool beside visible groups.
    if len(plan.pooled) == 1:
        assert not plan.shown
    assert plan.pooled_reportable == (bool(plan.pooled) and remainder >= min_size)


@given(GROUPS, MIN_SIZES)
def test_plan_groups_hides_no_more_than_it_must(respondents: dict[str, int], min_size: int) -> None:
    plan = plan_groups(respondents, min_size)
    small = [g for g, n in respondents.items() if 0 < n < min_size]
    if not small:
        assert plan.pooled == ()
    # Visible groups pulled into the pool are the smallest visible ones.
    moved = [respondents[g] for g in plan.pooled if respondents[g] >= min_size]
    if moved and plan.shown:
        assert max(moved) <= min(respondents[g] for g in plan.shown)


@given(GROUPS, MIN_SIZES, st.randoms(use_true_random=False))
def test_plan_groups_does_not_depend_on_order(
    respondents: dict[str, int], min_size: int, random: object
) -> None:
    items = list(respondents.items())
    random.shuffle(items)  # type: ignore[attr-defined]
    shuffled = plan_groups(dict(items), min_size)
    plan = plan_groups(respondents, min_size)
    assert set(shuffled.shown) == set(plan.shown)
    assert set(shuffled.pooled) == set(plan.pooled)


@st.composite
def trees(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, str | None]]:
    """A random forest of up to 9 teams, each with its own respondents."""
    size = draw(st.integers(min_value=1, max_value=9))
    names = [f"t{i}" for i in range(size)]
    parents: dict[str, str | None] = {}
    for i, name in enumerate(names):
        parent = draw(st.one_of(st.none(), st.sampled_from(names[:i]))) if i else None
        parents[name] = parent
    respondents = {name: draw(st.integers(min_value=0, max_value=12)) for name in names}
    return respondents, parents


def _subtree(node: str, parents: dict[str, str | None]) -> set[str]:
    members = {node}
    changed = True
    while changed:
        grown = members | {g for g, p in parents.items() if p in members}
        changed = grown != members
        members = grown
    return members


@given(trees(), MIN_SIZES)
def test_plan_hierarchy_never_reveals_a_small_group(
    tree: tuple[dict[str, int], dict[str, str | None]], min_size: int
) -> None:
    respondents, parents = tree
    names = list(respondents)
    total = sum(respondents.values())
    shown = plan_hierarchy(respondents, parents, min_size)
    subtree = {g: _subtree(g, parents) for g in names}
    people = {g: sum(respondents[m] for m in subtree[g]) for g in names}

    assert all(people[g] >= min_size for g in shown)
    # A shown group's parent is shown too (the whole must be reportable at the top).
    for g in shown:
        assert parents[g] in shown or (parents[g] is None and total >= min_size)

    # Brute force. The figures one can see are the shown subtrees and the whole;
    # the unknowns are the teams with people in them (an empty team is known to
    # add nothing). A small group is given away if its people are a sum of
    # visible figures added and subtracted (in their linear span).
    answered = [m for m in names if respondents[m] > 0]
    visible_sets = [subtree[g] for g in sorted(shown)]
    if total >= min_size:
        visible_sets.append(set(names))
    if not visible_sets or not answered:
        return
    basis = np.array([[float(m in s) for m in answered] for s in visible_sets])
    for g in names:
        if 0 < people[g] < min_size:
            target = np.array([float(m in subtree[g]) for m in answered])
            coef, *_ = np.linalg.lstsq(basis.T, target, rcond=None)
            assert not np.allclose(basis.T @ coef, target), f"{g} can be derived"
    # The finest figures one can derive: teams that sit in exactly the same
    # visible figures cannot be told apart, and each such atom is either
    # invisible altogether or holds at least min_size people.
    atoms: dict[tuple[bool, ...], int] = {}
    for m in answered:
        signature = tuple(m in s for s in visible_sets)
        atoms[signature] = atoms.get(signature, 0) + respondents[m]
    for signature, n in atoms.items():
        assert not any(signature) or n >= min_size, (signature, n)


def test_plan_hierarchy_hides_the_children_of_a_hidden_parent() -> None:
    # "sales" (10) is pooled with the tiny "legal" (2) at the top; showing its
    # two sub-teams would give "sales" back, and with it "legal" = 26 - 14 - 10.
    respondents = {"service": 14, "sales": 0, "legal": 2, "sales_north": 5, "sales_south": 5}
    parents = {"sales_north": "sales", "sales_south": "sales"}
    assert plan_hierarchy(respondents, parents, 5) == {"service"}


def test_plan_hierarchy_counts_a_parents_own_respondents() -> None:
    # Four people answered as "service" itself: with one tiny sub-team they are
    # pooled, and the bigger sub-team still shows.
    respondents = {"service": 4, "desk": 8, "field": 1}
    parents = {"desk": "service", "field": "service"}
    assert plan_hierarchy(respondents, parents, 5) == {"service", "desk"}


@pytest.mark.parametrize(
    ("respondents", "parents", "message"),
    [
        ({"a": 3, "b": 3}, {"a": "b", "b": "a"}, "cycle"),
        ({"a": -1}, {}, "negative"),
    ],
)
def test_plan_hierarchy_refuses_bad_input(
    respondents: dict[str, int], parents: dict[str, str | None], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        plan_hierarchy(respondents, parents, 5)


def test_plan_hierarchy_shows_nothing_when_the_whole_is_too_small() -> None:
    assert plan_hierarchy({"a": 2, "b": 2}, {}, 5) == frozenset()
