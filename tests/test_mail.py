"""app/mail.py: one message per key, through a real SMTP server or into the outbox."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.mail import Mail, MailError, postbox
from models import SentMail, db
from tests.smtp_server import SmtpServer

DIGEST = Mail(
    key="digest:1:1:2026-W48",
    kind="digest",
    to="morgan@acme.example",
    subject="Your Monday digest",
    text="Stalled at Communicate.",
    html="<!doctype html><html lang='en'><title>Digest</title><p>Stalled at Communicate.</p>",
)


def _log() -> list[SentMail]:
    return list(db.session.scalars(select(SentMail).order_by(SentMail.id)))


def test_a_message_reaches_the_smtp_server_once_per_key(
    app: Flask, make_app: Callable[..., Flask], smtp_server: SmtpServer
) -> None:
    with make_app(
        STEPWISE_SMTP_URL=smtp_server.url, STEPWISE_MAIL_FROM="Acme <crm@acme.example>"
    ).app_context():
        with postbox() as box:
            assert box.deliver(DIGEST) is True
            assert box.deliver(DIGEST) is False
        with postbox() as again:
            assert again.deliver(DIGEST) is False
        [received] = smtp_server.messages
        assert received.recipients == ["morgan@acme.example"]
        assert received.subject == "Your Monday digest"
        assert str(received.message["From"]) == "Acme <crm@acme.example>"
        assert received.part("plain").strip() == "Stalled at Communicate."
        assert "<p>Stalled at Communicate.</p>" in received.part("html")
        [entry] = _log()
        # The log says to whom, which kind, when and how; the text only lives in the outbox.
        assert (entry.recipient, entry.kind, entry.via) == ("morgan@acme.example", "digest", "smtp")
        assert entry.body_text is None and entry.body_html is None


def test_without_an_smtp_server_messages_wait_in_the_outbox(app: Flask) -> None:
    with postbox() as box:
        assert box.deliver(DIGEST) is True
        assert box.deliver(DIGEST) is False
    [entry] = _log()
    assert entry.via == "outbox"
    assert entry.body_text == "Stalled at Communicate."
    assert entry.body_html is not None and "<p>Stalled" in entry.body_html


def test_a_message_that_cannot_leave_is_tried_again_next_time(
    app: Flask, make_app: Callable[..., Flask], smtp_server: SmtpServer
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"smtp://127.0.0.1:{probe.getsockname()[1]}"
    with make_app(STEPWISE_SMTP_URL=dead).app_context():
        with pytest.raises(MailError, match="morgan@acme.example"), postbox() as box:
            box.deliver(DIGEST)
        assert db.session.scalar(select(func.count()).select_from(SentMail)) == 0
    with make_app(STEPWISE_SMTP_URL=smtp_server.url).app_context(), postbox() as box:
        assert box.deliver(DIGEST) is True
    assert len(smtp_server.messages) == 1
