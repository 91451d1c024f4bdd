"""The leadership-practices 360: one cycle per leader, self and observer responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.accounts import User
from models.base import Base, TimestampMixin, UTCDateTime


class PracticeCycle(TimestampMixin, Base):
    """A 360 round for one leader of an initiative.

    ``observer_code`` is the secret part of the anonymous observer link; the
    leader shares that link, so it is kept to show again.
    """

    __tablename__ = "practice_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    leader_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    observer_code: Mapped[str] = mapped_column(String(40), unique=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    leader: Mapped[User] = relationship(foreign_keys=[leader_id])


class PracticeResponse(Base):
    """One completed questionnaire: the leader's own, or an anonymous observer's.

    Observers are known only by relationship; the submission keeps its day,
    not its time, so responses cannot be matched to who was seen typing.
    """

    __tablename__ = "practice_response"
    __table_args__ = (
        CheckConstraint(
            "relationship IN ('self', 'manager', 'peer', 'direct_report', 'other')",
            name="relationship_known",
        ),
        Index("ix_practice_response_cycle_relationship", "cycle_id", "relationship"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("practice_cycle.id", ondelete="CASCADE"))
    relationship: Mapped[str] = mapped_column(String(20))
    submitted_on: Mapped[datetime] = mapped_column(UTCDateTime())


class PracticeAnswer(Base):
    """One behaviour's 1-10 rating in one response (narrow: response, item, value)."""

    __tablename__ = "practice_answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_key"),
        CheckConstraint("value BETWEEN 1 AND 10", name="value_1_to_10"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("practice_response.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(8))
    value: Mapped[int]
