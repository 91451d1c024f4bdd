"""360 cycles: who may be rated, opening and closing, and who has answered so far."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult, event, func, select, update
from sqlalchemy.orm import selectinload

from app.routing import LARGEST_ID
from app.services import audit
from app.services.errors import ServiceError
from app.services.transaction import commit
from models import Initiative, Membership, PracticeCycle, PracticeResponse, Role, User, db
from models.base import utcnow

SELF = "self"


def min_observers() -> int:
    """The STEPWISE_MIN_OBSERVERS setting (config.py refuses anything below 3)."""
    return int(current_app.config["STEPWISE_MIN_OBSERVERS"])


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
        raise ServiceError(_("Choose a member of the leadership team (an executive)."), "leader_id")
    if any(cycle.closed_at is None for cycle in cycles_of(initiative.id, leader_id)):
        raise ServiceError(
            _("%(name)s already has an open 360; close it first.", name=leader.name), "leader_id"
        )
    cycle = PracticeCycle(
        initiative_id=initiative.id,
        leader_id=leader_id,
        observer_code=secrets.token_urlsafe(18),  # 24 characters, 144 random bits
        opened_by_id=by.id,
        created_at=now or utcnow(),
    )
    db.session.add(cycle)
    commit()
    return cycle


def close_cycle(
    cycle: PracticeCycle, *, now: datetime | None = None, actor: User | None = None
) -> bool:
    """Stop accepting ratings and publish the report; False when it was already closed.

    A conditional UPDATE, so that two people closing at once close it once and
    the first closing time (when the figures were published) stays.
    """
    closed = cast(
        CursorResult[Any],
        db.session.execute(
            update(PracticeCycle)
            .where(PracticeCycle.id == cycle.id, PracticeCycle.closed_at.is_(None))
            .values(closed_at=now or utcnow())
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if closed:
        audit.record(
            "cycle.closed",
            f"Closed the 360 of {cycle.leader.name}",
            actor=actor,
            organization=audit.organization_of(cycle.initiative_id),
            details={"cycle_id": cycle.id},
        )
    commit()
    return bool(closed)


@event.listens_for(PracticeCycle.closed_at, "set", active_history=True)
def _never_reopened(target: PracticeCycle, value: object, old: object, _initiator: object) -> None:
    # Reopening would let new answers change published figures, and the
    # difference would be the new observers' ratings. Nothing in the app
    # reopens a cycle; this refuses it should anyone try through the ORM.
    if isinstance(old, datetime) and value != old:
        raise ServiceError(_("A closed 360 stays closed; open a new one instead."))


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
