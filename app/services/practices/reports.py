"""The one 360 report per leader, the team view, and who may read which report.

Every audience (the leader's page, the consultant's pages, the JSON API, the
diagnosis) gets its figures from :func:`report_for` or :func:`team_report`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from app.services.practices.cycles import SELF, latest_cycles, participation
from app.services.practices.responses import self_answers
from models import (
    Initiative,
    Membership,
    Organization,
    PracticeAnswer,
    PracticeCycle,
    PracticeResponse,
    Role,
    User,
    db,
)
from survey.practice_scoring import ItemAggregate, PracticeReport, practice_report
from survey.practice_team_view import TeamView, team_view


def aggregates(
    cycle_ids: Sequence[int],
) -> tuple[dict[int, list[ItemAggregate]], dict[int, dict[str, int]]]:
    """Per closed cycle: observers' (n, sum) per behaviour and relationship, and the self ratings.

    One GROUP BY in the database; the self response is a group of one, so its
    sum is the leader's rating. Open cycles are left out here, at the one
    query that reads observer ratings, so no page can show them by mistake.
    """
    observers: dict[int, list[ItemAggregate]] = defaultdict(list)
    selves: dict[int, dict[str, int]] = defaultdict(dict)
    if not cycle_ids:
        return observers, selves
    rows = db.session.execute(
        select(
            PracticeResponse.cycle_id,
            PracticeAnswer.item_key,
            PracticeResponse.relationship,
            func.count(),
            func.sum(PracticeAnswer.value),
        )
        .join(PracticeResponse, PracticeResponse.id == PracticeAnswer.response_id)
        .join(PracticeCycle, PracticeCycle.id == PracticeResponse.cycle_id)
        .where(PracticeResponse.cycle_id.in_(cycle_ids), PracticeCycle.closed_at.is_not(None))
        .group_by(PracticeResponse.cycle_id, PracticeAnswer.item_key, PracticeResponse.relationship)
    ).all()
    for cycle_id, item_key, relationship, n, total in rows:
        if relationship == SELF:
            selves[cycle_id][item_key] = int(total)
        else:
            observers[cycle_id].append(ItemAggregate(item_key, relationship, int(n), int(total)))
    return observers, selves


def shows_manager_rating(initiative_id: int) -> bool:
    """Whether the organisation lets a manager's 360 rating be shown on its own."""
    return bool(
        db.session.scalar(
            select(Organization.show_manager_rating)
            .join(Initiative, Initiative.organization_id == Organization.id)
            .where(Initiative.id == initiative_id)
        )
    )


def report_for(
    cycle: PracticeCycle, min_observers: int, viewer: User | None = None
) -> PracticeReport:
    """The leader's report, every observer figure already through the anonymity rules.

    A closed cycle: the whole report. An open one: no observer figure at all
    (none is read), and the self-assessment only for the leader themself,
    who may still change it.
    """
    if cycle.closed_at is not None:
        observers, selves = aggregates([cycle.id])
        own = selves[cycle.id]
    else:
        observers = defaultdict(list)
        own = self_answers(cycle) if viewer is not None and viewer.id == cycle.leader_id else {}
    return practice_report(
        observers[cycle.id],
        own,
        min_observers=min_observers,
        show_manager=shows_manager_rating(cycle.initiative_id),
    )


def published_cycle(cycles: Sequence[PracticeCycle]) -> PracticeCycle | None:
    """The newest closed cycle among ``cycles`` (newest first): the one whose figures count."""
    return next((cycle for cycle in cycles if cycle.closed_at is not None), None)


@dataclass(frozen=True)
class LeaderReport:
    leader: User
    cycle: PracticeCycle
    report: PracticeReport


@dataclass(frozen=True)
class OpenCycle:
    """A leader's 360 still collecting answers: how many observers, nothing else."""

    leader: User
    cycle: PracticeCycle
    observers: int


@dataclass(frozen=True)
class TeamReport:
    leaders: list[LeaderReport]
    view: TeamView
    in_progress: list[OpenCycle]


def team_report(initiative: Initiative, min_observers: int) -> TeamReport:
    """Each leader's latest closed cycle in the initiative, the team view over them, and the
    cycles still open (their participation only).

    Closed cycles only, so the team view and the diagnosis built on it change
    only when a 360 closes, never with a single observer's answers.
    """
    latest = latest_cycles(initiative.id, closed=True)
    observers, selves = aggregates(list({cycle.id for cycle in latest.values()}))
    show_manager = shows_manager_rating(initiative.id)
    leaders = sorted(
        (
            LeaderReport(
                cycle.leader,
                cycle,
                practice_report(
                    observers[cycle.id],
                    selves[cycle.id],
                    min_observers=min_observers,
                    show_manager=show_manager,
                ),
            )
            for cycle in latest.values()
        ),
        key=lambda row: (row.leader.name, row.leader.id),
    )
    still_open = [c for c in latest_cycles(initiative.id).values() if c.closed_at is None]
    answered = participation(still_open)
    in_progress = sorted(
        (OpenCycle(c.leader, c, answered[c.id].observers) for c in still_open),
        key=lambda row: (row.leader.name, row.leader.id),
    )
    return TeamReport(leaders, team_view([row.report for row in leaders]), in_progress)


def may_see_report(user: User, cycle: PracticeCycle, organization_id: int) -> bool:
    """The leader themself, the organisation's consultants and site admins; nobody else."""
    return _may_see(user, cycle, _role(user, organization_id))


def _role(user: User, organization_id: int) -> Role | None:
    return db.session.scalar(
        select(Membership.role).where(
            Membership.organization_id == organization_id, Membership.user_id == user.id
        )
    )


def _may_see(user: User, cycle: PracticeCycle, role: Role | None) -> bool:
    if user.is_admin:
        return True
    if role is None:  # not (or no longer) in the organisation
        return False
    return role is Role.CONSULTANT or user.id == cycle.leader_id


def visible_cycles_of_leader(user: User, leader_id: int) -> list[PracticeCycle]:
    """The leader's cycles whose report ``user`` may see, newest first."""
    rows = db.session.execute(
        select(PracticeCycle, Initiative.organization_id)
        .join(Initiative, Initiative.id == PracticeCycle.initiative_id)
        .where(PracticeCycle.leader_id == leader_id)
        .order_by(PracticeCycle.created_at.desc(), PracticeCycle.id.desc())
    ).all()
    roles = dict(
        db.session.execute(
            select(Membership.organization_id, Membership.role).where(Membership.user_id == user.id)
        ).all()
    )
    return [cycle for cycle, org_id in rows if _may_see(user, cycle, roles.get(org_id))]
