"""Self and observer responses: all 30 behaviours or nothing, and never into a closed 360."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from app.services.errors import ServiceError
from app.services.practices.cycles import SELF
from app.services.transaction import commit
from models import PracticeAnswer, PracticeCycle, PracticeResponse, User, db
from survey.languages import N_
from survey.practices import BEHAVIOURS, RELATIONSHIPS, SCALE_MAX, SCALE_MIN

CLOSED_MESSAGE = N_("This 360 is closed and accepts no more ratings. Nothing was saved.")


def check_answers(answers: Mapping[str, int]) -> None:
    """All 30 behaviours, each rated 1-10, and nothing else; else the whole response is refused."""
    expected = {behaviour.key for behaviour in BEHAVIOURS}
    missing = sorted(expected - answers.keys())
    unknown = sorted(answers.keys() - expected)
    if missing or unknown:
        raise ServiceError(
            _("Every behaviour needs a rating from 1 to 10. Nothing was saved.")
            if missing
            else _("Unknown behaviours %(keys)s. Nothing was saved.", keys=", ".join(unknown))
        )
    for value in answers.values():
        if not SCALE_MIN <= value <= SCALE_MAX:
            raise ServiceError(
                _("Ratings go from 1 to 10, not %(value)s. Nothing was saved.", value=value)
            )


def _submitted_on(today: date) -> datetime:
    # The day only: a time would let the leader match a response to who was seen typing.
    return datetime.combine(today, time(), tzinfo=UTC)


def _commit_if_still_open(cycle: PracticeCycle) -> None:
    """Commit the answer just written, or undo it and refuse if the cycle closed meanwhile.

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
        db.session.rollback()
        raise ServiceError(_(CLOSED_MESSAGE))
    commit()


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
    """The leader's own ratings, replacing earlier ones, in one transaction."""
    if leader.id != cycle.leader_id:
        raise ServiceError(_("Only the leader can rate themself in their 360."))
    if cycle.closed_at is not None:
        raise ServiceError(_(CLOSED_MESSAGE))
    check_answers(answers)
    db.session.execute(
        delete(PracticeResponse).where(
            PracticeResponse.cycle_id == cycle.id, PracticeResponse.relationship == SELF
        )
    )
    response_id = _insert_response(cycle, SELF, answers, today)
    _commit_if_still_open(cycle)
    return response_id


def save_observer_response(
    cycle: PracticeCycle, relationship: str, answers: Mapping[str, int], today: date
) -> int:
    """One anonymous observer's ratings, in one transaction."""
    if relationship not in RELATIONSHIPS:
        raise ServiceError(
            _("Choose how you work with this leader. Nothing was saved."), "relationship"
        )
    if cycle.closed_at is not None:
        raise ServiceError(_(CLOSED_MESSAGE))
    check_answers(answers)
    response_id = _insert_response(cycle, relationship, answers, today)
    _commit_if_still_open(cycle)
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
