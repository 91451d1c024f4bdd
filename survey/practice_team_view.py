"""The leadership team's 360 at a glance: each practice averaged over the leaders.

Built from the leaders' reports (``survey.practice_scoring.practice_report``), whose
observer figures are already through the anonymity rules; a leader whose observers
may not be shown counts towards the self average only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from survey.practice_scoring import PracticeReport
from survey.practices import PRACTICES, Practice


@dataclass(frozen=True)
class TeamPractice:
    practice: Practice
    self_mean: float | None  # mean of the leaders' self scores, 6-60
    self_n: int  # leaders with a complete self-assessment
    observers_mean: float | None  # mean of the leaders' observer scores, 6-60
    observers_n: int  # leaders whose observer figures may be shown


@dataclass(frozen=True)
class TeamView:
    """The leadership team's practice averages and its weakest practice.

    Only leaders whose own observer figures may be shown count towards the
    observers' average, so the team view never reveals a suppressed leader.
    The weakest practice is judged on observers when any leader's may be
    shown (what people experience), otherwise on the leaders' self scores;
    a tie goes to the practice earlier in Kouzes & Posner's order.
    """

    leaders: int
    practices: tuple[TeamPractice, ...]
    weakest: TeamPractice | None
    basis: Literal["observers", "self"] | None

    @property
    def weakest_steps(self) -> tuple[str, ...]:
        """The Kotter steps (keys) the weakest practice most affects."""
        return self.weakest.practice.kotter_steps if self.weakest else ()


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def team_view(reports: Sequence[PracticeReport]) -> TeamView:
    practices = []
    for index, practice in enumerate(PRACTICES):
        selfs = [
            score for report in reports if (score := report.practices[index].self_score) is not None
        ]
        observed = [
            mean for report in reports if (mean := report.practices[index].observers) is not None
        ]
        practices.append(
            TeamPractice(practice, _mean(selfs), len(selfs), _mean(observed), len(observed))
        )
    basis: Literal["observers", "self"] | None = None
    if any(item.observers_mean is not None for item in practices):
        basis = "observers"
    elif any(item.self_mean is not None for item in practices):
        basis = "self"
    weakest = None
    if basis is not None:
        weakest = min(
            (item for item in practices if _basis_value(item, basis) is not None),
            key=lambda item: _basis_value(item, basis) or 0.0,
        )
    return TeamView(len(reports), tuple(practices), weakest, basis)


def _basis_value(item: TeamPractice, basis: Literal["observers", "self"]) -> float | None:
    return item.observers_mean if basis == "observers" else item.self_mean
