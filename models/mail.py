"""Email the application sends: the send log, and the outbox when no SMTP server is set."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class SentMail(Base):
    """One message: to whom, which kind, when, and how it left.

    ``key`` makes every send idempotent ("digest:<user>:<initiative>:2026-W48",
    "reminder:<link>:1"): a second run finds the key and sends nothing. The text is
    kept only for the in-app outbox (``via == "outbox"``); it never holds an answer.
    """

    __tablename__ = "sent_mail"
    __table_args__ = (Index("ix_sent_mail_organization", "organization_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # digest | reminder
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    via: Mapped[str] = mapped_column(String(10))  # smtp | outbox
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Outbox only: what would have been sent.
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
