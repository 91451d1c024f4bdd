"""Sending email: through SMTP when ``STEPWISE_SMTP_URL`` is set, else to the in-app outbox.

Every message has a ``key`` naming what it is for ("digest:<user>:<initiative>:2026-W48",
"reminder:<link>:1"). The key is claimed in the send log (``SentMail``, unique) and
committed *before* the message leaves, so two runs, or two cron hosts at once, never
send the same message twice; a message that fails to leave gives its key back, so the
next run tries again. The log keeps to whom, which kind and when; the text only in
outbox mode, so a consultant can read what would have been sent.

Use one :class:`Postbox` per batch: it keeps one SMTP connection open for all of it.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from models import SentMail, db

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Mail:
    """One message to one person. ``html`` is optional; ``text`` is always sent."""

    key: str
    kind: str
    to: str
    subject: str
    text: str
    html: str | None = None
    organization_id: int | None = None


class MailError(RuntimeError):
    """The SMTP server refused or could not be reached; nothing was logged as sent."""


def already_sent(key: str) -> bool:
    return bool(db.session.scalar(select(exists().where(SentMail.key == key))))


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="stepwise")
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


class Postbox:
    """Delivers a batch of mail; see the module docstring. Not shared between threads."""

    def __init__(self) -> None:
        self.url: str | None = current_app.config["STEPWISE_SMTP_URL"]
        self.sender: str = current_app.config["STEPWISE_MAIL_FROM"]
        self._smtp: smtplib.SMTP | None = None
        self.sent = 0

    @property
    def via(self) -> str:
        return "smtp" if self.url else "outbox"

    def deliver(self, mail: Mail) -> bool:
        """Send ``mail`` unless its key was sent before; True when it was sent now."""
        if already_sent(mail.key):
            return False
        outbox = self.url is None
        entry = SentMail(
            key=mail.key,
            kind=mail.kind,
            recipient=mail.to,
            subject=mail.subject,
            via=self.via,
            organization_id=mail.organization_id,
            body_text=mail.text if outbox else None,
            body_html=mail.html if outbox else None,
        )
        db.session.add(entry)
        try:
            db.session.commit()
        except IntegrityError:  # another run claimed the key first
            db.session.rollback()
            return False
        if not outbox:
            try:
                self._connection().send_message(_message(mail, self.sender))
            except (smtplib.SMTPException, OSError) as error:
                self._drop_connection()
                db.session.execute(delete(SentMail).where(SentMail.key == mail.key))
                db.session.commit()
                raise MailError(f"could not send {mail.kind} to {mail.to}: {error}") from error
        self.sent += 1
        return True

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = _connect(self.url or "")
        return self._smtp

    def _drop_connection(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop_connection()


@contextmanager
def postbox() -> Iterator[Postbox]:
    box = Postbox()
    try:
        yield box
    finally:
        box.close()


def _connect(url: str) -> smtplib.SMTP:
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host = parts.hostname or "localhost"
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(
            host, parts.port or 465, timeout=SMTP_TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )  # fmt: skip
    else:
        smtp = smtplib.SMTP(host, parts.port or 25, timeout=SMTP_TIMEOUT_SECONDS)
        if options.get("starttls", ["false"])[0].lower() in ("true", "1", "yes"):
            smtp.starttls(context=ssl.create_default_context())
    if parts.username:
        smtp.login(unquote(parts.username), unquote(parts.password or ""))
    return smtp
