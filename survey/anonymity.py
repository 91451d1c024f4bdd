"""Anonymity rules shared by every output: pages, chart data, exports and the API.

A group's figures are shown only when at least ``min_size`` people answered.
Hiding small groups is not enough when a total over them is shown too: the
total minus the visible groups would give the hidden ones away. So groups too
small to show are pooled into one remainder, and when that remainder is still
too small, the smallest visible groups join it until it is large enough or
nothing is left to show separately.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


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
