"""How healthy each Kotter step is, where the rollout stalls, and where leaders and staff differ.

A step's health (0-100) weighs what is claimed (its status, the evidence
ticked) with what is rated (the leaders' and the staff's 1-5 ratings). The
ratings are the test of the claims: a step that leaders and staff both rate
about 2 does not hold up what is built on it, whatever its status says, so
health can exceed the ratings' level by at most ``CLAIM_MARGIN`` points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from insights.kotter import STEPS_BY_KEY

# Weights of the parts of a step's health; missing parts are left out and the
# rest re-weighted, so a step with no staff pulse yet is judged on the others.
HEALTH_WEIGHTS = {"status": 0.30, "evidence": 0.20, "leaders": 0.25, "staff": 0.25}
STATUS_HEALTH = {"not_started": 0.0, "in_progress": 50.0, "done": 100.0}
# How far "done" and ticked evidence may lift a step above what its ratings say:
# a step rated 2.0 (25/100) by everyone tops out at 40, under the stall line.
CLAIM_MARGIN = 15.0
# Below this a step is not holding up what is built on it.
STALL_HEALTH = 50.0
# Leaders and staff this far apart on the 1-5 scale see different rollouts.
GAP_POINTS = 1.0
# Fewer leaders than this make a rating one person's view: said, and weighed less.
FEW_RATERS = 3


def score_to_percent(mean: float) -> float:
    """A 1-5 mean on a 0-100 scale."""
    return (mean - 1) / 4 * 100


@dataclass(frozen=True)
class StageInput:
    key: str
    status: str
    evidence_done: int = 0
    evidence_total: int = 0
    leader_mean: float | None = None
    leader_n: int = 0
    staff_mean: float | None = None
    staff_n: int = 0

    @property
    def few_raters(self) -> bool:
        """Whether the leaders' rating rests on fewer than ``FEW_RATERS`` people."""
        return self.leader_mean is not None and self.leader_n < FEW_RATERS


@dataclass(frozen=True)
class StageHealth:
    key: str
    health: float
    parts: dict[str, float]
    capped: bool = False  # the ratings held the claims down


def stage_health(stage: StageInput) -> StageHealth:
    """0-100 from status, evidence ticked, the leaders' and the staff's 1-5 ratings."""
    parts: dict[str, float] = {"status": STATUS_HEALTH[stage.status]}
    if stage.evidence_total:
        parts["evidence"] = 100 * stage.evidence_done / stage.evidence_total
    if stage.leader_mean is not None:
        parts["leaders"] = score_to_percent(stage.leader_mean)
    if stage.staff_mean is not None:
        parts["staff"] = score_to_percent(stage.staff_mean)
    weight = sum(HEALTH_WEIGHTS[name] for name in parts)
    health = sum(HEALTH_WEIGHTS[name] * value for name, value in parts.items()) / weight
    rated = [name for name in ("leaders", "staff") if name in parts]
    capped = False
    if rated:
        level = sum(HEALTH_WEIGHTS[n] * parts[n] for n in rated) / sum(
            HEALTH_WEIGHTS[n] for n in rated
        )
        if health > level + CLAIM_MARGIN:
            health, capped = level + CLAIM_MARGIN, True
    return StageHealth(stage.key, round(health, 1), parts, capped)


def stall_point(stages: Sequence[StageInput], healths: Sequence[StageHealth]) -> str | None:
    """The first step, in order, below the health threshold while a later step is under way."""
    ordered = sorted(
        zip(stages, healths, strict=True), key=lambda p: STEPS_BY_KEY[p[0].key].position
    )
    for index, (_, health) in enumerate(ordered):
        if health.health >= STALL_HEALTH:
            continue
        if any(later.status != "not_started" for later, _ in ordered[index + 1 :]):
            return health.key
    return None


@dataclass(frozen=True)
class Gap:
    key: str
    leaders: float
    staff: float
    gap: float
    leader_n: int
    staff_n: int

    @property
    def large(self) -> bool:
        return abs(self.gap) >= GAP_POINTS


def perception_gaps(stages: Sequence[StageInput]) -> list[Gap]:
    """Leaders' mean against staff's mean per step, where both exist."""
    return [
        Gap(s.key, s.leader_mean, s.staff_mean, round(s.leader_mean - s.staff_mean, 2),
            s.leader_n, s.staff_n)
        for s in stages
        if s.leader_mean is not None and s.staff_mean is not None
    ]  # fmt: skip
