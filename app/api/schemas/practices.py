"""The leadership-practices 360: the leadership team and one leader's report.

Observer figures are null wherever the pages hide them: for an open cycle the
report holds none, and every count of observers but the total is null too (a
group count would tell which group the latest observer is in).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.api.schemas.base import ApiModel, Timestamp
from models import PracticeCycle, User
from survey.practice_scoring import PracticeReport
from survey.practices import PRACTICES
from survey.scoring import rounded

PracticeKey = Literal["model", "inspire", "challenge", "enable", "encourage"]
Flag = Literal["over", "under"]
# Mean practice score (6-60) per practice key; null while hidden.
ByPractice = Annotated[
    dict[PracticeKey, float] | None,
    Field(description="mean practice score (6-60) per practice key; null while hidden"),
]


class Leader(ApiModel):
    """An executive of the organisation, as the 360's leadership team."""

    id: int = Field(description="the leader's user id")
    name: str
    cycle_id: int | None = Field(
        description="their latest 360 in this initiative; null before one is opened"
    )


class Person(ApiModel):
    id: int
    name: str


class CycleInfo(ApiModel):
    """The cycle the figures come from; observer figures only once it is closed."""

    id: int
    initiative_id: int
    opened_at: Timestamp
    closed: bool
    closed_at: Timestamp | None
    observers_answered: int = Field(description="observers who answered, all relationships")


class InProgress(ApiModel):
    """The leader's open cycle when the figures come from an earlier, closed one: how many
    observers have answered so far, nothing else."""

    id: int
    opened_at: Timestamp
    observers_answered: int


class PracticeScore(ApiModel):
    key: PracticeKey
    name: str
    self_score: int | None = Field(
        alias="self",
        description="sum of the leader's six ratings, 6-60; null before the self-assessment",
    )
    observers: float | None = Field(
        description="observers' mean practice score, 6-60; null while the cycle is open and "
        "when fewer than min_observers answered"
    )
    observer_n: int | None = Field(description="observers who answered; null while open")
    gap: float | None = Field(description="self - observers")
    flag: Flag | None = Field(description="over/under when |gap| >= 6 points")


class RelationshipGroup(ApiModel):
    """Observers of one relationship; practices null unless the group may be shown on its own
    (status shown, or manager where the organisation allows it)."""

    relationship: Literal["manager", "peer", "direct_report", "other"]
    n: int
    status: Literal["shown", "manager", "too_few", "protecting", "none"]
    observers_needed: int
    practices: ByPractice


class PooledGroups(ApiModel):
    """Groups too small on their own, combined once large enough."""

    relationships: list[str]
    n: int
    practices: ByPractice


class BehaviourScore(ApiModel):
    key: str
    number: int = Field(ge=1, le=30)
    practice: PracticeKey
    self_score: int | None = Field(alias="self")
    observers: float | None
    gap: float | None
    flag: Flag | None = Field(description="over/under when |gap| >= 1.5 points")


class LeaderPractices(ApiModel):
    """A leader's five practices, self against observers, from one 360 cycle."""

    leader: Person
    min_observers: int = Field(ge=3)
    cycle: CycleInfo
    in_progress: InProgress | None
    observer_n: int | None = Field(description="null while open")
    observers_needed: int | None = Field(
        description="how many more observers it would have taken; null while open"
    )
    practices: list[PracticeScore]
    groups: list[RelationshipGroup] = Field(description="per relationship; empty while open")
    pooled: PooledGroups | None
    behaviours: list[BehaviourScore]

    @classmethod
    def of(
        cls,
        cycle: PracticeCycle,
        report: PracticeReport,
        answered: int,
        in_progress: InProgress | None,
    ) -> LeaderPractices:
        published = cycle.closed_at is not None
        observer_n = report.observer_n if published else None
        pooled = report.pooled
        return cls(
            leader=Person(id=cycle.leader.id, name=cycle.leader.name),
            min_observers=report.min_observers,
            cycle=CycleInfo(
                id=cycle.id, initiative_id=cycle.initiative_id, opened_at=cycle.created_at,
                closed=published, closed_at=cycle.closed_at, observers_answered=answered,
            ),
            in_progress=in_progress,
            observer_n=observer_n,
            observers_needed=report.observers_needed if published else None,
            practices=[
                PracticeScore(
                    key=s.practice.key, name=s.practice.name, self_score=s.self_score,
                    observers=rounded(s.observers), observer_n=observer_n,
                    gap=rounded(s.gap), flag=s.flag,
                )
                for s in report.practices
            ],
            groups=[
                RelationshipGroup(
                    relationship=g.relationship, n=g.n, status=g.status,
                    observers_needed=g.observers_needed, practices=_by_practice(g.practices),
                )
                for g in (report.groups if published else ())
            ],
            pooled=PooledGroups(
                relationships=list(pooled.relationships), n=pooled.n,
                practices=_by_practice(pooled.practices),
            ) if pooled else None,
            behaviours=[
                BehaviourScore(
                    key=s.behaviour.key, number=s.behaviour.number, practice=s.behaviour.practice,
                    self_score=s.self_value, observers=rounded(s.observers),
                    gap=rounded(s.gap), flag=s.flag,
                )
                for s in report.behaviours
            ],
        )  # fmt: skip


def _by_practice(scores: tuple[float, ...] | None) -> dict[str, float] | None:
    if scores is None:
        return None
    return {p.key: round(score, 2) for p, score in zip(PRACTICES, scores, strict=True)}


def in_progress_of(cycle: PracticeCycle | None, answered: int) -> InProgress | None:
    if cycle is None:
        return None
    return InProgress(id=cycle.id, opened_at=cycle.created_at, observers_answered=answered)


def leader_of(leader: User, cycle: PracticeCycle | None) -> Leader:
    return Leader(id=leader.id, name=leader.name, cycle_id=cycle.id if cycle else None)
