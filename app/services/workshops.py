"""Live workshops: a facilitator opens a session, leaders in the room rate the steps by phone.

Participants have no account. They join with a short code shown on the projector
and are known afterwards only by a random token kept in a cookie (stored here
hashed, like every other secret) and the display name they typed. The
facilitator sees counts only; who voted what leaves the database only when the
session is saved as an assessment round, where each participant becomes a rater.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, CursorResult, func, select, update

from app.services import stages
from app.services.accounts import hash_token
from app.services.errors import ServiceError
from app.services.stages import RatingInput
from app.services.transaction import commit
from insights.kotter import STEP_KEYS, STEPS_BY_KEY
from insights.stages import RATING_MAX, RATING_MIN, RatingSummary, summarize_ratings
from models import (
    AssessmentRating,
    AssessmentRound,
    Initiative,
    User,
    WorkshopParticipant,
    WorkshopSession,
    WorkshopVote,
    db,
)
from models.base import utcnow
from survey.languages import N_

# Read off a projector and typed on a phone: no 0/O, 1/I/L to confuse.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
# A workshop is a morning or an afternoon; after that the code stops working
# so an old photo of the screen cannot be used to add votes.
SESSION_HOURS = 4
MAX_DISPLAY_NAME = 60
MAX_TITLE = 120
# 31^6 codes against a handful of open sessions: a clash is rare, ten in a row impossible.
_CODE_ATTEMPTS = 10

INVALID_CODE = N_(
    "This code is not valid or the workshop has ended — check the code on the screen."
)


def normalize_code(code: str) -> str:
    """What people type, as stored: upper case, without spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _open_filter(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (WorkshopSession.closed_at.is_(None), WorkshopSession.expires_at > now)


def is_open(session: WorkshopSession, now: datetime | None = None) -> bool:
    """Still accepting participants and votes: not closed and the code not expired."""
    return session.closed_at is None and session.expires_at > (now or utcnow())


def default_title(today: date) -> str:
    return f"Workshop {today.day} {today:%b %Y}"


def start_session(
    initiative: Initiative, facilitator: User, title: str = "", *, today: date | None = None
) -> WorkshopSession:
    """A new session with a join code that no other open session uses."""
    now = utcnow()
    for _attempt in range(_CODE_ATTEMPTS):
        code = new_code()
        taken = db.session.scalar(
            select(WorkshopSession.id).where(WorkshopSession.code == code, *_open_filter(now))
        )
        if taken is None:
            break
    else:  # pragma: no cover - needs ten clashes in a row
        raise ServiceError(_("No free join code could be found; please try again."))
    session = WorkshopSession(
        initiative_id=initiative.id,
        code=code,
        title=title.strip() or default_title(today or date.today()),
        facilitator_id=facilitator.id,
        expires_at=now + timedelta(hours=SESSION_HOURS),
    )
    db.session.add(session)
    commit()
    return session


def get_session(session_id: int) -> WorkshopSession | None:
    return db.session.get(WorkshopSession, session_id)


def open_session_for_code(code: str) -> WorkshopSession | None:
    """The open session behind a join code; None for unknown, expired or closed codes."""
    code = normalize_code(code)
    if not code:
        return None
    return db.session.scalar(
        select(WorkshopSession).where(WorkshopSession.code == code, *_open_filter(utcnow()))
    )


@dataclass(frozen=True)
class SessionRow:
    session: WorkshopSession
    participants: int


def sessions_of(initiative: Initiative) -> list[SessionRow]:
    """The initiative's sessions, newest first, with how many people joined each."""
    joined = (
        select(WorkshopParticipant.session_id, func.count().label("n"))
        .group_by(WorkshopParticipant.session_id)
        .subquery()
    )
    rows = db.session.execute(
        select(WorkshopSession, func.coalesce(joined.c.n, 0))
        .outerjoin(joined, joined.c.session_id == WorkshopSession.id)
        .where(WorkshopSession.initiative_id == initiative.id)
        .order_by(WorkshopSession.created_at.desc(), WorkshopSession.id.desc())
    ).all()
    return [SessionRow(session, int(count)) for session, count in rows]


# --- participants --------------------------------------------------------


def join(
    session: WorkshopSession,
    display_name: str,
    *,
    rejoining: WorkshopParticipant | None = None,
) -> tuple[WorkshopParticipant, str | None]:
    """A participant and the secret token for their cookie (stored only hashed).

    Someone who joins the same session again from the same phone (the back
    button, the QR code scanned twice) stays the same participant, renamed,
    so their votes are not counted twice; the token is then None: keep the cookie.
    """
    if not is_open(session):
        raise ServiceError(_(INVALID_CODE), "code")
    display_name = " ".join(display_name.split())
    if not display_name:
        raise ServiceError(
            _("Enter your name, so the facilitator knows who is in."), "display_name"
        )
    if len(display_name) > MAX_DISPLAY_NAME:
        raise ServiceError(
            _("Keep it under %(num)s characters.", num=MAX_DISPLAY_NAME), "display_name"
        )
    if rejoining is not None and rejoining.session_id == session.id:
        rejoining.display_name = display_name
        commit()
        return rejoining, None
    token = secrets.token_urlsafe(32)
    participant = WorkshopParticipant(
        session_id=session.id, display_name=display_name, token_hash=hash_token(token)
    )
    db.session.add(participant)
    commit()
    return participant, token


def participant_for_token(token: str | None) -> WorkshopParticipant | None:
    if not token:
        return None
    return db.session.scalar(
        select(WorkshopParticipant).where(WorkshopParticipant.token_hash == hash_token(token))
    )


def votes_of(participant: WorkshopParticipant) -> dict[str, int]:
    """The participant's own current votes, by step key."""
    return dict(
        db.session.execute(
            select(WorkshopVote.stage_key, WorkshopVote.score).where(
                WorkshopVote.participant_id == participant.id
            )
        ).all()
    )


def check_votes(votes: Mapping[str, int]) -> None:
    """Refuse the whole set when any step is unknown or any score is off the 1-5 scale."""
    for key, score in votes.items():
        if key not in STEPS_BY_KEY:
            raise ServiceError(_("There is no step %(key)r; nothing was saved.", key=key))
        if not RATING_MIN <= score <= RATING_MAX:
            raise ServiceError(
                _(
                    "Ratings go from %(low)s to %(high)s; %(score)s is not possible. "
                    "Nothing was saved.",
                    low=RATING_MIN,
                    high=RATING_MAX,
                    score=score,
                )
            )


def save_votes(
    participant: WorkshopParticipant, session: WorkshopSession, votes: Mapping[str, int]
) -> None:
    """Store the participant's votes; a step voted before is updated, not added twice.

    Steps missing from ``votes`` keep whatever the participant said before.
    """
    if participant.session_id != session.id:
        raise ServiceError(_("You did not join this workshop."))
    if not is_open(session):
        raise ServiceError(_("This workshop has ended; it accepts no more votes."))
    check_votes(votes)
    existing = {
        vote.stage_key: vote
        for vote in db.session.scalars(
            select(WorkshopVote).where(WorkshopVote.participant_id == participant.id)
        )
    }
    now = utcnow()
    for key, score in votes.items():
        vote = existing.get(key)
        if vote is None:
            vote = WorkshopVote(session_id=session.id, participant_id=participant.id, stage_key=key)
            db.session.add(vote)
        vote.score = score
        vote.voted_at = now
    commit()


# --- the facilitator's screen -------------------------------------------


@dataclass(frozen=True)
class StepDistribution:
    key: str
    counts: tuple[int, ...]  # how many chose 1, 2, 3, 4, 5
    summary: RatingSummary


@dataclass(frozen=True)
class LiveState:
    participants: int
    steps: list[StepDistribution]
    is_open: bool

    def as_json(self) -> dict[str, object]:
        """Counts and summaries only: no participant, no individual vote."""
        return {
            "open": self.is_open,
            "participants": self.participants,
            "steps": [
                {
                    "key": step.key,
                    "counts": list(step.counts),
                    "n": step.summary.n,
                    "mean": None if step.summary.mean is None else round(step.summary.mean, 2),
                    "spread": step.summary.spread,
                    "disagreement": step.summary.disagreement,
                }
                for step in self.steps
            ],
        }


def distribution(counts: Mapping[int, int]) -> RatingSummary:
    """Summarise a step from its vote counts (score -> how many), with the tracker's rules."""
    return summarize_ratings(score for score, count in sorted(counts.items()) for _ in range(count))


def live_state(session: WorkshopSession) -> LiveState:
    """Participants and the distribution of votes per step, counted in the database."""
    participants = db.session.scalar(
        select(func.count())
        .select_from(WorkshopParticipant)
        .where(WorkshopParticipant.session_id == session.id)
    )
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for key, score, count in db.session.execute(
        select(WorkshopVote.stage_key, WorkshopVote.score, func.count())
        .where(WorkshopVote.session_id == session.id)
        .group_by(WorkshopVote.stage_key, WorkshopVote.score)
    ).all():
        counts[key][int(score)] = int(count)
    steps = [
        StepDistribution(
            key=key,
            counts=tuple(counts[key].get(score, 0) for score in range(RATING_MIN, RATING_MAX + 1)),
            summary=distribution(counts[key]),
        )
        for key in STEP_KEYS
    ]
    return LiveState(participants=int(participants or 0), steps=steps, is_open=is_open(session))


# --- closing -------------------------------------------------------------


def close_session(
    session: WorkshopSession, by: User, *, today: date | None = None
) -> AssessmentRound:
    """Stop the voting and keep the votes as an assessment round (once), in one transaction.

    The session is claimed with a conditional UPDATE, so two facilitators
    pressing "close" at the same moment still make one round: the second
    finds the session already closed and gets the round the first saved.
    """
    claimed = cast(
        CursorResult[Any],
        db.session.execute(
            update(WorkshopSession)
            .where(WorkshopSession.id == session.id, WorkshopSession.round_id.is_(None))
            .values(closed_at=session.closed_at or utcnow())
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    db.session.refresh(session)
    if not claimed:
        existing = db.session.get(AssessmentRound, session.round_id)
        commit()
        if existing is None:  # pragma: no cover - round_id is only ever set with the round
            raise ServiceError(_("This workshop was saved, but its round is gone."))
        return existing
    initiative = db.session.get(Initiative, session.initiative_id)
    assert initiative is not None  # the foreign key cascades
    assessment = stages.new_round(
        initiative, session.title, today or date.today(), by, source="workshop"
    )
    ballots: dict[tuple[int, str], dict[str, RatingInput]] = defaultdict(dict)
    for participant_id, name, key, score in db.session.execute(
        select(
            WorkshopParticipant.id,
            WorkshopParticipant.display_name,
            WorkshopVote.stage_key,
            WorkshopVote.score,
        )
        .join(WorkshopVote, WorkshopVote.participant_id == WorkshopParticipant.id)
        .where(WorkshopParticipant.session_id == session.id)
        .order_by(WorkshopParticipant.id)
    ).all():
        ballots[(participant_id, name)][key] = RatingInput(score)
    for (participant_id, name), ratings in ballots.items():
        stages.record_ratings(assessment, f"participant:{participant_id}", name, ratings)
    stages.mark_round_closed(assessment)
    session.round_id = assessment.id
    commit()
    return assessment


def rating_count(assessment: AssessmentRound) -> tuple[int, int]:
    """How many ratings a round holds and from how many raters."""
    ratings, raters = db.session.execute(
        select(func.count(), func.count(func.distinct(AssessmentRating.rater))).where(
            AssessmentRating.round_id == assessment.id
        )
    ).one()
    return int(ratings), int(raters)
