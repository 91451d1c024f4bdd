"""The leadership-practices 360: cycles, self and observer responses, and the one report.

The only layer that queries and commits for the feature. Scores are added up
by the database (GROUP BY behaviour and relationship); the rules that decide
what may be shown live in :mod:`survey.practice_scoring`, and every audience
(the leader's page, the consultant's pages, the JSON API) gets its figures
from :func:`report_for` or :func:`team_report`.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import current_app
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import selectinload

from app.routing import LARGEST_ID
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
from models.base import utcnow
from survey.practice_scoring import (
    ItemAggregate,
    PracticeReport,
    TeamView,
    practice_report,
    team_view,
)
from survey.practices import (
    BEHAVIOURS,
    DEFAULT_MIN_OBSERVERS,
    RELATIONSHIPS,
    SCALE_MAX,
    SCALE_MIN,
)

SELF = "self"
CLOSED_MESSAGE = "This 360 is closed and accepts no more ratings. Nothing was saved."


class PracticeError(ValueError):
    """A 360 request that cannot be honoured; the message is for a person."""


def min_observers() -> int:
    """The STEPWISE_MIN_OBSERVERS setting (config.py refuses anything below 3)."""
    return int(current_app.config.get("STEPWISE_MIN_OBSERVERS", DEFAULT_MIN_OBSERVERS))


# --- cycles ----------------------------------------------------------------------------


def executives_of(organization_id: int) -> list[User]:
    """The organisation's leadership team: its executives, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organization_id == organization_id,
                Membership.role == Role.EXECUTIVE,
            )
            .order_by(User.name, User.id)
        )
    )


def is_executive(organization_id: int, user_id: int) -> bool:
    role = db.session.scalar(
        select(Membership.role).where(
            Membership.organization_id == organization_id, Membership.user_id == user_id
        )
    )
    return role is Role.EXECUTIVE


def get_cycle(cycle_id: int) -> PracticeCycle | None:
    return db.session.get(PracticeCycle, cycle_id)


def cycle_for_code(code: str) -> PracticeCycle | None:
    """The cycle behind an observer link, open or closed; None for an unknown code."""
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(PracticeCycle).where(PracticeCycle.observer_code == code))


def cycles_of(initiative_id: int, leader_id: int | None = None) -> list[PracticeCycle]:
    """The initiative's cycles, newest first (optionally one leader's)."""
    query = (
        select(PracticeCycle)
        .options(selectinload(PracticeCycle.leader))
        .where(PracticeCycle.initiative_id == initiative_id)
    )
    if leader_id is not None:
        query = query.where(PracticeCycle.leader_id == leader_id)
    return list(
        db.session.scalars(query.order_by(PracticeCycle.created_at.desc(), PracticeCycle.id.desc()))
    )


def latest_cycles(initiative_id: int) -> dict[int, PracticeCycle]:
    """Each leader's latest cycle in the initiative, by leader id."""
    latest: dict[int, PracticeCycle] = {}
    for cycle in cycles_of(initiative_id):
        latest.setdefault(cycle.leader_id, cycle)
    return latest


def open_cycle(
    initiative: Initiative, leader_id: int, by: User, *, now: datetime | None = None
) -> PracticeCycle:
    """A new 360 for an executive of the initiative's organisation, with a secret observer link.

    Refused for anyone who is not an executive there, and while the leader
    still has an open cycle in this initiative (observers would split over two links).
    """
    leader = db.session.get(User, leader_id) if 0 < leader_id <= LARGEST_ID else None
    if leader is None or not is_executive(initiative.organization_id, leader_id):
        raise PracticeError("Choose a member of the leadership team (an executive).")
    if any(cycle.closed_at is None for cycle in cycles_of(initiative.id, leader_id)):
        raise PracticeError(f"{leader.name} already has an open 360; close it first.")
    cycle = PracticeCycle(
        initiative_id=initiative.id,
        leader_id=leader_id,
        observer_code=secrets.token_urlsafe(18),  # 24 characters, 144 random bits
        opened_by_id=by.id,
        created_at=now or utcnow(),
    )
    db.session.add(cycle)
    db.session.flush()
    return cycle


def close_cycle(cycle: PracticeCycle, *, now: datetime | None = None) -> bool:
    """Stop accepting ratings; False when it was already closed."""
    if cycle.closed_at is not None:
        return False
    cycle.closed_at = now or utcnow()
    db.session.flush()
    return True


def response_counts(cycle_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Responses per cycle and relationship (``self`` included): counts, never ratings."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if not cycle_ids:
        return counts
    rows = db.session.execute(
        select(PracticeResponse.cycle_id, PracticeResponse.relationship, func.count())
        .where(PracticeResponse.cycle_id.in_(cycle_ids))
        .group_by(PracticeResponse.cycle_id, PracticeResponse.relationship)
    ).all()
    for cycle_id, relationship, count in rows:
        counts[cycle_id][relationship] = int(count)
    return counts


# --- responses -------------------------------------------------------------------------


def check_answers(answers: Mapping[str, int]) -> None:
    """All 30 behaviours, each rated 1-10, and nothing else; else the whole response is refused."""
    expected = {behaviour.key for behaviour in BEHAVIOURS}
    missing = sorted(expected - answers.keys())
    unknown = sorted(answers.keys() - expected)
    if missing or unknown:
        raise PracticeError(
            "Every behaviour needs a rating from 1 to 10. Nothing was saved."
            if missing
            else f"Unknown behaviours {', '.join(unknown)}. Nothing was saved."
        )
    for value in answers.values():
        if not SCALE_MIN <= value <= SCALE_MAX:
            raise PracticeError(f"Ratings go from 1 to 10, not {value}. Nothing was saved.")


def _submitted_on(today: date) -> datetime:
    # The day only: a time would let the leader match a response to who was seen typing.
    return datetime.combine(today, time(), tzinfo=UTC)


def _insert_response(
    cycle: PracticeCycle, relationship: str, answers: Mapping[str, int], today: date
) -> int:
    response_id: int = db.session.execute(
        insert(PracticeResponse)
        .values(cycle_id=cycle.id, relationship=relationship, submitted_on=_submitted_on(today))
        .returning(PracticeResponse.id)
    ).scalar_one()
    db.session.execute(
        insert(PracticeAnswer),
        [{"response_id": response_id, "item_key": k, "value": v} for k, v in answers.items()],
    )
    return response_id


def save_self_response(
    cycle: PracticeCycle, leader: User, answers: Mapping[str, int], today: date
) -> int:
    """The leader's own ratings, replacing earlier ones; the caller commits (one transaction)."""
    if leader.id != cycle.leader_id:
        raise PracticeError("Only the leader can rate themself in their 360.")
    if cycle.closed_at is not None:
        raise PracticeError(CLOSED_MESSAGE)
    check_answers(answers)
    db.session.execute(
        delete(PracticeResponse).where(
            PracticeResponse.cycle_id == cycle.id, PracticeResponse.relationship == SELF
        )
    )
    return _insert_response(cycle, SELF, answers, today)


def save_observer_response(
    cycle: PracticeCycle, relationship: str, answers: Mapping[str, int], today: date
) -> int:
    """One anonymous observer's ratings; the caller commits (one transaction)."""
    if relationship not in RELATIONSHIPS:
        raise PracticeError("Choose how you work with this leader. Nothing was saved.")
    if cycle.closed_at is not None:
        raise PracticeError(CLOSED_MESSAGE)
    check_answers(answers)
    return _insert_response(cycle, relationship, answers, today)


def self_answers(cycle: PracticeCycle) -> dict[str, int]:
    """The leader's own 30 ratings (to fill their form again), or {} before they rated."""
    return dict(
        db.session.execute(
            select(PracticeAnswer.item_key, PracticeAnswer.value)
            .join(PracticeResponse, PracticeResponse.id == PracticeAnswer.response_id)
            .where(PracticeResponse.cycle_id == cycle.id, PracticeResponse.relationship == SELF)
        ).all()
    )


# --- reports ---------------------------------------------------------------------------


def aggregates(
    cycle_ids: Sequence[int],
) -> tuple[dict[int, list[ItemAggregate]], dict[int, dict[str, int]]]:
    """Per cycle: observers' (n, sum) per behaviour and relationship, and the self ratings.

    One GROUP BY in the database; the self response is a group of one, so its
    sum is the leader's rating.
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
        .where(PracticeResponse.cycle_id.in_(cycle_ids))
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


def report_for(cycle: PracticeCycle, min_observers: int) -> PracticeReport:
    """The leader's report, every observer figure already through the anonymity rules."""
    observers, selves = aggregates([cycle.id])
    return practice_report(
        observers[cycle.id],
        selves[cycle.id],
        min_observers=min_observers,
        show_manager=shows_manager_rating(cycle.initiative_id),
    )


@dataclass(frozen=True)
class LeaderReport:
    leader: User
    cycle: PracticeCycle
    report: PracticeReport


@dataclass(frozen=True)
class TeamReport:
    leaders: list[LeaderReport]
    view: TeamView


def team_report(initiative: Initiative, min_observers: int) -> TeamReport:
    """Each leader's latest cycle in the initiative, and the team view over them."""
    latest = latest_cycles(initiative.id)
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
    return TeamReport(leaders, team_view([row.report for row in leaders]))


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
