"""Kotter's eight steps of an initiative: status, evidence, actions, rounds and workshops."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.accounts import User
from models.base import Base, TimestampMixin, UTCDateTime, utcnow


class Stage(Base):
    """One of the eight steps for one initiative (keys in insights.kotter)."""

    __tablename__ = "stage"
    __table_args__ = (
        UniqueConstraint("initiative_id", "key"),
        CheckConstraint("status IN ('not_started', 'in_progress', 'done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    target_date: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    owner: Mapped[User | None] = relationship()
    evidence: Mapped[list[EvidenceItem]] = relationship(
        back_populates="stage", order_by="EvidenceItem.position", cascade="all, delete-orphan"
    )


class StageStatusChange(Base):
    """Every status change of a step, with who and when."""

    __tablename__ = "stage_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class EvidenceItem(Base):
    """A concrete sign that the step is really done, ticked with who and when."""

    __tablename__ = "evidence_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    stage: Mapped[Stage] = relationship(back_populates="evidence")
    done_by: Mapped[User | None] = relationship()


class Action(TimestampMixin, Base):
    """Something a person will do about a step (or, later, about a survey result)."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done')", name="status_known"),
        Index("ix_action_initiative_status", "initiative_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    stage_key: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # When it was marked done (cleared if reopened): the "after" of its effect starts here.
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    # The teams it touched; none listed means every team of the organisation.
    teams: Mapped[list[ActionTeam]] = relationship(cascade="all, delete-orphan")


class ActionTeam(Base):
    """One team a step action was aimed at (the others are its comparison teams)."""

    __tablename__ = "action_team"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AssessmentRound(TimestampMixin, Base):
    """One occasion on which the leaders rated the eight steps."""

    __tablename__ = "assessment_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(20), default="form")  # form | workshop
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    ratings: Mapped[list[AssessmentRating]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )


class AssessmentRating(Base):
    """One rater's 1-5 rating of one step in one round.

    ``rater`` identifies the rater within the round: ``user:<id>`` for a
    logged-in executive, ``participant:<id>`` for a workshop participant.
    """

    __tablename__ = "assessment_rating"
    __table_args__ = (
        UniqueConstraint("round_id", "rater", "stage_key"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id", ondelete="CASCADE"))
    rater: Mapped[str] = mapped_column(String(40))
    rater_name: Mapped[str] = mapped_column(String(120))
    stage_key: Mapped[str] = mapped_column(String(20))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[AssessmentRound] = relationship(back_populates="ratings")


class WorkshopSession(TimestampMixin, Base):
    """A live rating session: participants join by code on their phones."""

    __tablename__ = "workshop_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(120))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_round.id", ondelete="SET NULL")
    )


class WorkshopParticipant(TimestampMixin, Base):
    """Someone in the room, known only by the display name they typed."""

    __tablename__ = "workshop_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_session.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)


class WorkshopVote(Base):
    """A participant's current rating of one step; a re-vote replaces it."""

    __tablename__ = "workshop_vote"
    __table_args__ = (
        UniqueConstraint("participant_id", "stage_key"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
        Index("ix_workshop_vote_session_stage", "session_id", "stage_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_participant.id", ondelete="CASCADE")
    )
    stage_key: Mapped[str] = mapped_column(String(20))
    score: Mapped[int]
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
