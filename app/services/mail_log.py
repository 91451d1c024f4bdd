"""The send log and outbox of one organisation: what Stepwise emailed, newest first.

Rows are written by ``app.mail.Postbox`` (reminders, the digest); this module only reads
them. The log holds to whom, which kind, when and how it left; the text only for
messages that waited in the outbox, never an answer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from models import SentMail, db


def mail_query(organization_id: int) -> Select[Any]:
    """The organisation's messages, newest first (``ix_sent_mail_organization``)."""
    return (
        select(SentMail)
        .where(SentMail.organization_id == organization_id)
        .order_by(SentMail.created_at.desc(), SentMail.id.desc())
    )


def mail_of(organization_id: int, mail_id: int) -> SentMail | None:
    """One message of the organisation; None when it is another's or absent."""
    mail = db.session.get(SentMail, mail_id)
    return mail if mail is not None and mail.organization_id == organization_id else None
