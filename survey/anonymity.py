"""Anonymity rules shared by every output: pages, chart data, exports and the API.

A group's figures are shown only when at least ``min_size`` people answered.
Hiding small groups is not enough when a total over them is shown too: the
total minus the visible groups would give the hidden ones away. So groups too
small to show are pooled into one remainder, and when that remainder is still
too small, the smallest visible groups join it until it is large enough or
nothing is left to show separately.

A plan only protects people if every view follows it: a group moved into the
remainder must stay hidden on its own page, in filters and in exports too,
or the total minus its pool-mates gives the small group away again. For
teams inside parent teams use ``plan_hierarchy``, which also hides everything
under a hidden team.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Stands for the people who answered as a parent team itself (not a sub-team).
_DIRECT = "\x00direct"


def is_reportable(respondents: int, min_size: int) -> bool:
    return respondents >= min_size


@dataclass(frozen=True)
class GroupPlan:
    """Which groups may be shown on their own, and which only inside a pooled remainder."""

    shown: tuple[str, ...]
    pooled: tuple[str, ...]
    pooled_respondents: int
    min_size: int

    @property
    def pooled_reportable(self) -> bool:
        """Whether the remainder may be shown as one group ("other ...")."""
        return bool(self.pooled) and is_reportable(self.pooled_respondents, self.min_size)

    def is_shown(self, group: str) -> bool:
        return group in self.shown


def plan_groups(respondents: Mapping[str, int], min_size: int) -> GroupPlan:
    """Decide which of a set of disjoint groups (summing to a shown total) may be shown.

    Any group below ``min_size`` is pooled. If the pool holds some people but
    fewer than ``min_size``, the smallest shown groups join it (complementary
    suppression), so that no hidden figure can be got by subtraction.
    Groups with nobody in them are neither shown nor pooled.
    """
    present = {group: n for group, n in respondents.items() if n > 0}
    shown = sorted(
        (group for group, n in present.items() if is_reportable(n, min_size)),
        key=lambda group: (present[group], group),
    )
    pooled = [group for group in present if group not in shown]
    pooled_n = sum(present[group] for group in pooled)
    while pooled and pooled_n < min_size and shown:
        smallest = shown.pop(0)
        pooled.append(smallest)
        pooled_n += present[smallest]
    shown_in_order = tuple(group for group in respondents if group in shown)
    pooled_in_order = tuple(group for group in respondents if group in pooled)
    return GroupPlan(shown_in_order, pooled_in_order, pooled_n, min_size)


def plan_hierarchy(
    respondents: Mapping[str, int], parents: Mapping[str, str | None], min_size: int
) -> frozenset[str]:
    """The groups of a hierarchy whose figures may be shown anywhere.

    ``respondents[group]`` counts the people who answered as that group itself,
    not its sub-groups; ``parents[group]`` is its parent, or None at the top.
    A group's figures cover its whole subtree. The whole is shown when it has
    ``min_size`` people (``is_reportable``; not part of the result). Children
    of every shown group (and of the whole) are planned with ``plan_groups``,
    the parent's own respondents counting as one more child that is never
    shown, and a group is shown only if its parent is: a parent hidden to
    protect a small sibling could otherwise be rebuilt from its children.
    So every figure one can derive by adding and subtracting shown ones covers
    nobody or at least ``min_size`` people.
    """
    if _DIRECT in respondents or _DIRECT in parents:
        raise ValueError(f"the group name {_DIRECT!r} is reserved")
    if any(n < 0 for n in respondents.values()):
        raise ValueError("respondent counts cannot be negative")
    nodes = list(
        dict.fromkeys([*respondents, *parents, *(p for p in parents.values() if p is not None)])
    )
    children: dict[str | None, list[str]] = {}
    for node in nodes:
        children.setdefault(parents.get(node), []).append(node)

    totals: dict[str, int] = {}
    order: list[str] = []
    stack: list[str | None] = [None]
    while stack:  # top-down, so reversed it is bottom-up
        for child in children.get(stack.pop(), []):
            order.append(child)
            stack.append(child)
    if len(order) != len(nodes):
        raise ValueError("the parent links form a cycle")
    for node in reversed(order):
        totals[node] = respondents.get(node, 0) + sum(totals[c] for c in children.get(node, []))

    if not is_reportable(sum(respondents.values()), min_size):
        return frozenset()
    shown: set[str] = set()
    visible: list[str | None] = [None]
    while visible:
        parent = visible.pop()
        kids = children.get(parent, [])
        if not kids:
            continue
        counts = {kid: totals[kid] for kid in kids}
        if parent is not None:
            counts[_DIRECT] = respondents.get(parent, 0)
        for kid in plan_groups(counts, min_size).shown:
            if kid != _DIRECT:
                shown.add(kid)
                visible.append(kid)
    return frozenset(shown)


@dataclass(frozen=True)
class TeamFolding:
    """Where each team's figure goes: shown on its own, or folded into a shown ancestor.

    ``into[team]`` is the team itself when shown, its nearest shown ancestor
    when folded, or None when no ancestor is shown: it then counts in the whole
    only (with every other such team, "other teams"). Teams with nobody in
    them are in no group at all.
    """

    into: Mapping[str, str | None]

    @property
    def shown(self) -> frozenset[str]:
        return frozenset(team for team, target in self.into.items() if target == team)

    def members(self, team: str) -> tuple[str, ...]:
        """The teams whose people a shown team's figure covers: itself and those folded in."""
        return tuple(member for member, target in self.into.items() if target == team)

    def folded(self, target: str | None) -> tuple[str, ...]:
        """The teams folded into ``target`` (None: into the whole only), not ``target`` itself."""
        return tuple(t for t, into in self.into.items() if into == target and t != target)


def fold_teams(
    sizes: Mapping[str, int], parents: Mapping[str, str | None], min_size: int
) -> TeamFolding:
    """One rule for per-team figures that cover a team's own people (adoption, usage).

    ``sizes[team]`` counts the team's own people (not its sub-teams'). The
    shown teams are those of ``plan_hierarchy``; a shown team's figure covers
    its own people and every team folded into it (its hidden descendants
    whose nearest shown ancestor it is), so the shown figures cover disjoint
    groups. ``plan_hierarchy`` pools, under each shown team, its own people
    with its hidden sub-teams until the pool holds nobody or at least
    ``min_size`` people, and does the same for the top-level teams under the
    whole; so each shown figure covers at least ``min_size`` people, and the
    whole minus every shown figure ("other teams") covers nobody or at least
    ``min_size``. No sum or difference of shown figures isolates fewer people.
    """
    shown = plan_hierarchy(sizes, parents, min_size)
    into: dict[str, str | None] = {}
    for team, size in sizes.items():
        if size <= 0:
            continue
        target: str | None = team
        seen: set[str] = set()
        while target is not None and target not in shown:
            if target in seen:
                raise ValueError("the parent links form a cycle")
            seen.add(target)
            target = parents.get(target)
        into[team] = target
    return TeamFolding(into)


OTHER_LANGUAGES = "other"
UNKNOWN_LANGUAGE = "unknown"


def language_buckets(
    counts: Mapping[str | None, int], min_size: int
) -> list[tuple[str, int]] | None:
    """A shown group's responses per language, as far as anonymity allows; None: show nothing.

    ``counts`` maps a language code (None: answered before languages were
    recorded, the "unknown" bucket) to responses, and sums to the group's
    shown total. ``plan_groups`` decides: languages below ``min_size`` go into
    an "other" bucket, and while that bucket holds someone but fewer than
    ``min_size``, the next-smallest language joins it. With fewer than two
    buckets left, the split tells nothing the total does not and is not
    shown. So every shown bucket, and the total minus any of them, covers at
    least ``min_size`` people. Largest bucket first, "other" last.
    Only for the organisation-wide group: counts of nested teams could be
    subtracted from their parents' (the caller's rule).
    """
    named = {UNKNOWN_LANGUAGE if code is None else code: n for code, n in counts.items()}
    if sum(n for n in named.values() if n > 0) < min_size:
        return None
    plan = plan_groups(named, min_size)
    buckets = sorted(((code, named[code]) for code in plan.shown), key=lambda b: (-b[1], b[0]))
    if plan.pooled:
        buckets.append((OTHER_LANGUAGES, plan.pooled_respondents))
    return buckets if len(buckets) >= 2 else None
