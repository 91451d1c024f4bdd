from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from models.accounts import User


class Role(enum.StrEnum):
    CONSULTANT = "consultant"
    EXECUTIVE = "executive"


# Stored as plain text (no native ENUM type), so every table can share it and
# adding a role later is a data change, not a type migration.
ROLE_TYPE = Enum(
    Role,
    native_enum=False,
    length=20,
    values_callable=lambda roles: [r.value for r in roles],
)


class Organization(TimestampMixin, Base):
    """A client organisation; everything else hangs off one."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Kouzes & Posner's convention: the manager's 360 rating may be shown on
    # its own (it is not anonymous), but only where the organisation agrees.
    show_manager_rating: Mapped[bool] = mapped_column(default=False, server_default="0")

    initiatives: Mapped[list[Initiative]] = relationship(
        back_populates="organization", order_by="Initiative.start_date"
    )


class Initiative(TimestampMixin, Base):
    """One CRM rollout, tracked as an organisational change."""

    __tablename__ = "initiative"
    __table_args__ = (
        CheckConstraint("licensed_seats >= 0", name="licensed_seats_not_negative"),
        UniqueConstraint("organization_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    crm_product: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date]
    go_live_date: Mapped[date | None]
    licensed_seats: Mapped[int] = mapped_column(default=0)

    organization: Mapped[Organization] = relationship(back_populates="initiatives")


class Team(TimestampMixin, Base):
    """A team of the organisation, optionally inside a parent team."""

    __tablename__ = "team"
    __table_args__ = (
        CheckConstraint("headcount >= 0", name="headcount_not_negative"),
        UniqueConstraint("organization_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    headcount: Mapped[int] = mapped_column(default=0)
    # Teams with answers are archived, never deleted: hidden from new
    # campaigns and pickers, kept in every past campaign's history.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The leader who leads the team (a member of the organisation), for relating
    # leaders' 360 practice scores to their teams' pulse and adoption.
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    parent: Mapped[Team | None] = relationship(remote_side=[id])
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])


class Membership(TimestampMixin, Base):
    """A user's role in one organisation."""

    __tablename__ = "membership"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[Role] = mapped_column(ROLE_TYPE)
    # Opted in to the Monday digest email for this organisation's initiatives.
    weekly_digest: Mapped[bool] = mapped_column(default=False, server_default="0")

    user: Mapped[User] = relationship()
    organization: Mapped[Organization] = relationship()
