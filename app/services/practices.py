"""The leadership-practices 360: cycles, self and observer responses, and the one report.

The only layer that queries and commits for the feature. Scores are added up
by the database (GROUP BY behaviour and relationship); the rules that decide
what may be shown live in :mod:`survey.practice_scoring`, and every audience
(the leader's page, the consultant's pages, the JSON API, the diagnosis) gets
its figures from :func:`report_for` or :func:`team_report`.

Observer figures are published only when a cycle is closed. While it is open
every new observer changes them, and two views a submission apart would give
that observer's ratings away by subtraction (4 x mean of 4 - 3 x mean of 3),
however well each single view is pooled; likewise the relationship counts
would say which group the newest observer is in. So observer rows of an open
cycle are never read (:func:`aggregates` joins closed cycles only), an open
cycle says only how many observers answered (:func:`participation`), and a
closed cycle stays closed and takes no more answers, so what was published
never changes.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import current_app
from sqlalchemy import delete, event, func, insert, select, update
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
    return int(current_app.config["STEPWISE_MIN_OBSERVERS"])


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


def latest_cycles(initiative_id: int, *, closed: bool = False) -> dict[int, PracticeCycle]:
    """Each leader's latest cycle in the initiative (or latest closed one), by leader id."""
    latest: dict[int, PracticeCycle] = {}
    for cycle in cycles_of(initiative_id):
        if cycle.closed_at is not None or not closed:
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
    """Stop accepting ratings and publish the report; False when it was already closed.

    A conditional UPDATE, so that two people closing at once close it once and
    the first closing time (when the figures were published) stays.
    """
    closed = db.session.execute(
        update(PracticeCycle)
        .where(PracticeCycle.id == cycle.id, PracticeCycle.closed_at.is_(None))
        .values(closed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(cycle)
    return bool(closed)


@event.listens_for(PracticeCycle.closed_at, "set", active_history=True)
def _never_reopened(target: PracticeCycle, value: object, old: object, _initiator: object) -> None:
    # Reopening would let new answers change published figures, and the
    # difference would be the new observers' ratings. Nothing in the app
    # reopens a cycle; this refuses it should anyone try through the ORM.
    if isinstance(old, datetime) and value != old:
        raise PracticeError("A closed 360 stays closed; open a new one instead.")


@dataclass(frozen=True)
class Participation:
    """Who answered a cycle, as far as may be said: relationships only once it is closed."""

    self_done: bool
    observers: int  # all relationships together
    by_relationship: dict[str, int] | None  # None while the cycle is open


def participation(cycles: Sequence[PracticeCycle]) -> dict[int, Participation]:
    """Per cycle: the self-assessment done or not, and observer counts (never ratings)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if cycles:
        rows = db.session.execute(
            select(PracticeResponse.cycle_id, PracticeResponse.relationship, func.count())
            .where(PracticeResponse.cycle_id.in_([cycle.id for cycle in cycles]))
            .group_by(PracticeResponse.cycle_id, PracticeResponse.relationship)
        ).all()
        for cycle_id, relationship, count in rows:
            counts[cycle_id][relationship] = int(count)
    result = {}
    for cycle in cycles:
        observers = {k: n for k, n in counts[cycle.id].items() if k != SELF}
        result[cycle.id] = Participation(
            self_done=SELF in counts[cycle.id],
            observers=sum(observers.values()),
            by_relationship=observers if cycle.closed_at is not None else None,
        )
    return result


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


def _still_open(cycle: PracticeCycle) -> None:
    """Refuse the answer just written if the cycle closed meanwhile; the caller rolls back.

    Checked after the write so that nothing slips into a published report:
    SQLite then already holds its one write lock, so no close can commit in
    between; on PostgreSQL the share lock waits for a close in progress and
    sees it, and a close waits for the answers being saved under the lock.
    """
    closed_at = db.session.scalar(
        select(PracticeCycle.closed_at)
        .where(PracticeCycle.id == cycle.id)
        .with_for_update(read=True)
    )
    if closed_at is not None:
        raise PracticeError(CLOSED_MESSAGE)


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
    response_id = _insert_response(cycle, SELF, answers, today)
    _still_open(cycle)
    return response_id


def save_observer_response(
    cycle: PracticeCycle, relationship: str, answers: Mapping[str, int], today: date
) -> int:
    """One anonymous observer's ratings; the caller commits (one transaction)."""
    if relationship not in RELATIONSHIPS:
        raise PracticeError("Choose how you work with this leader. Nothing was saved.")
    if cycle.closed_at is not None:
        raise PracticeError(CLOSED_MESSAGE)
    check_answers(answers)
    response_id = _insert_response(cycle, relationship, answers, today)
    _still_open(cycle)
    return response_id


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
