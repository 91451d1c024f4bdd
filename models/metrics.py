"""Adoption and customer metrics: a catalogue per initiative and observations per period."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class Metric(TimestampMixin, Base):
    """One measure in an initiative's catalogue (adoption rate, CSAT, ...)."""

    __tablename__ = "metric"
    __table_args__ = (
        UniqueConstraint("initiative_id", "key"),
        CheckConstraint("direction IN ('higher', 'lower')", name="direction_known"),
        CheckConstraint(
            "category IN ('usage', 'data_quality', 'customer_outcome')", name="category_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(30))
    direction: Mapped[str] = mapped_column(String(10), default="higher")
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[float | None] = mapped_column(Float)
    target_date: Mapped[date | None]
    is_default: Mapped[bool] = mapped_column(default=False)
    # What an imported activity metric was counted from ("logins", "record changes"…);
    # "" for values typed or imported as they are. Set by each activity-log import.
    basis: Mapped[str] = mapped_column(String(60), default="")


class Observation(Base):
    """A metric's value for one period (its start date), for one team or the whole initiative.

    ``team_id`` is NULL for the whole initiative; partial unique indexes keep
    one value per metric, team and period in both cases.
    """

    __tablename__ = "observation"
    __table_args__ = (
        Index(
            "uq_observation_team_period",
            "metric_id",
            "team_id",
            "period",
            unique=True,
            postgresql_where=text("team_id IS NOT NULL"),
            sqlite_where=text("team_id IS NOT NULL"),
        ),
        Index(
            "uq_observation_whole_period",
            "metric_id",
            "period",
            unique=True,
            postgresql_where=text("team_id IS NULL"),
            sqlite_where=text("team_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    period: Mapped[date]
    value: Mapped[float] = mapped_column(Float)


class ImportMapping(TimestampMixin, Base):
    """How an initiative's CRM export maps onto Stepwise, remembered for next time."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("initiative_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)


class SeriesOutlook(Base):
    """A usage series' trend and projection, computed once when its values or target change.

    ``fingerprint`` is a hash of exactly what the outlook depends on (periods,
    values, target, direction, ceiling): a reader uses the row only when the
    series it reads has the same fingerprint, and computes it otherwise.
    ``team_id`` None is the whole initiative.
    """

    __tablename__ = "series_outlook"
    __table_args__ = (Index("ix_series_outlook_metric", "metric_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    # [label, slope, p, periods]
    trend: Mapped[list[Any]] = mapped_column(JSON)
    # [reached_on, method, state, [low, high] or null, chance, level] or null (no target)
    projection: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
