"""Reminders to unused personal links, received by a real SMTP server, on both databases.

The campaign is open now (so staff can answer through their link over HTTP); the tick
is run at chosen moments around the survey's schedule.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update

from app.services import reminders
from app.services.surveys import day_start, last_day_of
from models import Campaign, PersonalLink, SentMail, Survey, db
from models.base import utcnow
from tests.builders import login, make_campaign, make_personal_link, make_survey
from tests.conftest import World
from tests.smtp_server import SmtpServer

DIMENSIONS = ["resistance_unknown", "recommend", "comment"]
FULL = {"item-resistance_unknown_1": "4", "item-resistance_unknown_2": "2", "item-recommend": "9"}
PEOPLE = ("ana@acme.example", "ben@acme.example", "cy@acme.example")
BASE_URL = "https://stepwise.acme.example"


@pytest.fixture
def survey(world: World) -> Survey:
    return make_survey(world.initiative, DIMENSIONS, title="CRM pulse")


@pytest.fixture
def campaign(survey: Survey, world: World) -> Campaign:
    """Opened four days ago at midnight, open for a fortnight."""
    opens_at = day_start(utcnow().date()) - timedelta(days=4)
    return make_campaign(survey, [world.team], opens_at, opens_at + timedelta(days=14))


@pytest.fixture
def codes(campaign: Campaign, world: World) -> dict[str, str]:
    """A personal link per person, handed out the day before the campaign opened."""
    found = {email: make_personal_link(campaign, world.team, email) for email in PEOPLE}
    db.session.execute(
        update(PersonalLink).values(created_at=campaign.opens_at - timedelta(days=1))
    )
    db.session.commit()
    return found


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], smtp_server: SmtpServer) -> Flask:
    return make_app(STEPWISE_SMTP_URL=smtp_server.url, STEPWISE_BASE_URL=BASE_URL)


def _tick(app: Flask, now: datetime) -> list[str]:
    """The reminders step of the tick, as its own process would run it."""
    with app.app_context():
        return reminders.send_due(now)


def _settings(survey: Survey, after_days: int, limit: int) -> None:
    survey.reminder_after_days, survey.reminder_limit = after_days, limit
    db.session.commit()


def _recipients(smtp_server: SmtpServer) -> list[str]:
    return sorted(address for message in smtp_server.messages for address in message.recipients)


def test_unused_links_get_one_reminder_per_step_up_to_the_limit(
    mail_app: Flask,
    smtp_server: SmtpServer,
    client: FlaskClient,
    survey: Survey,
    campaign: Campaign,
    codes: dict[str, str],
) -> None:
    _settings(survey, after_days=3, limit=2)
    assert client.post(f"/p/{codes['ben@acme.example']}", data=FULL).status_code == 302
    opens = campaign.opens_at

    assert _tick(mail_app, opens + timedelta(days=2, hours=23)) == []
    assert smtp_server.messages == []

    first = opens + timedelta(days=3, minutes=1)
    events = _tick(mail_app, first)
    assert _recipients(smtp_server) == ["ana@acme.example", "cy@acme.example"]
    assert events == [
        f"Reminded 2 people with an unused link of campaign {campaign.id} of “CRM pulse” "
        "(Acme CRM), by email."
    ]
    # Every minute of the same step, and a second run at the same moment: nothing again.
    assert _tick(mail_app, first) == []
    assert _tick(mail_app, first + timedelta(days=2)) == []
    assert len(smtp_server.messages) == 2

    assert len(_tick(mail_app, opens + timedelta(days=6, hours=8))) == 1
    assert _recipients(smtp_server) == ["ana@acme.example"] * 2 + ["cy@acme.example"] * 2
    # The limit is two: the third step passes without a message.
    assert _tick(mail_app, opens + timedelta(days=9, hours=8)) == []
    assert len(smtp_server.messages) == 4

    log = db.session.execute(select(SentMail.recipient, SentMail.kind, SentMail.via)).all()
    assert sorted(log) == [
        ("ana@acme.example", "reminder", "smtp"),
        ("ana@acme.example", "reminder", "smtp"),
        ("cy@acme.example", "reminder", "smtp"),
        ("cy@acme.example", "reminder", "smtp"),
    ]
    # Sent by SMTP, the text is not kept: the log holds to whom, which kind and when.
    assert db.session.scalars(select(SentMail.body_text)).all() == [None] * 4


def test_answering_through_the_link_stops_the_reminders(
    mail_app: Flask,
    smtp_server: SmtpServer,
    client: FlaskClient,
    survey: Survey,
    campaign: Campaign,
    codes: dict[str, str],
) -> None:
    _settings(survey, after_days=2, limit=3)
    _tick(mail_app, campaign.opens_at + timedelta(days=2, hours=1))
    assert len(smtp_server.to("ana@acme.example")) == 1
    ana = codes["ana@acme.example"]
    assert client.post(f"/p/{ana}", data=FULL).status_code == 302

    _tick(mail_app, campaign.opens_at + timedelta(days=4, hours=1))
    assert len(smtp_server.to("ana@acme.example")) == 1
    assert len(smtp_server.to("ben@acme.example")) == 2


def test_no_reminder_once_the_campaign_has_closed(
    mail_app: Flask,
    smtp_server: SmtpServer,
    survey: Survey,
    campaign: Campaign,
    codes: dict[str, str],
) -> None:
    _settings(survey, after_days=3, limit=5)
    assert _tick(mail_app, campaign.closes_at) == []
    assert _tick(mail_app, campaign.closes_at + timedelta(days=3)) == []
    # Closed early (the consultant's "close now"): the schedule stops with it.
    campaign.closes_at = campaign.opens_at + timedelta(days=3)
    db.session.commit()
    assert _tick(mail_app, campaign.opens_at + timedelta(days=3, hours=1)) == []
    assert smtp_server.messages == []


def test_a_limit_of_zero_sends_none(
    mail_app: Flask,
    smtp_server: SmtpServer,
    survey: Survey,
    campaign: Campaign,
    codes: dict[str, str],
) -> None:
    _settings(survey, after_days=1, limit=0)
    for day in range(1, 14):
        assert _tick(mail_app, campaign.opens_at + timedelta(days=day, hours=1)) == []
    assert smtp_server.messages == []


def test_a_link_handed_out_late_waits_its_own_days(
    mail_app: Flask, smtp_server: SmtpServer, survey: Survey, campaign: Campaign, world: World
) -> None:
    _settings(survey, after_days=3, limit=2)
    make_personal_link(campaign, world.team, "late@acme.example")
    now = utcnow()
    assert _tick(mail_app, now) == []
    assert len(_tick(mail_app, now + timedelta(days=3))) == 1
    assert _recipients(smtp_server) == ["late@acme.example"]


def test_two_ticks_at_once_send_each_reminder_once(
    mail_app: Flask, smtp_server: SmtpServer, survey: Survey, campaign: Campaign, world: World
) -> None:
    """Two cron hosts run the tick at the same moment: every person gets one message."""
    people = [f"p{number:02}@acme.example" for number in range(30)]
    for email in people:
        make_personal_link(campaign, world.team, email)
    db.session.execute(update(PersonalLink).values(created_at=campaign.opens_at))
    db.session.commit()
    now = campaign.opens_at + timedelta(days=3, hours=1)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def host() -> None:
        try:
            with mail_app.app_context():
                start.wait(timeout=10)
                reminders.send_due(now)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=host) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert _recipients(smtp_server) == people
    db.session.expire_all()
    counts = db.session.scalars(select(PersonalLink.reminders_sent)).all()
    assert counts == [1] * 30


def test_a_reminder_that_could_not_leave_is_sent_by_the_next_tick(
    make_app: Callable[..., Flask],
    mail_app: Flask,
    smtp_server: SmtpServer,
    campaign: Campaign,
    codes: dict[str, str],
) -> None:
    with socket.socket() as probe:  # a port where no SMTP server listens
        probe.bind(("127.0.0.1", 0))
        nowhere = f"smtp://127.0.0.1:{probe.getsockname()[1]}"
    now = campaign.opens_at + timedelta(days=3, hours=1)
    [event] = _tick(make_app(STEPWISE_SMTP_URL=nowhere), now)
    assert event.startswith("Reminders stopped, the next tick tries again: could not send")
    db.session.expire_all()
    assert db.session.scalars(select(PersonalLink.reminders_sent)).all() == [0, 0, 0]
    assert db.session.scalars(select(SentMail)).all() == []
    assert len(_tick(mail_app, now + timedelta(minutes=1))) == 1
    assert _recipients(smtp_server) == sorted(PEOPLE)


def test_the_reminder_has_the_link_and_the_closing_day_and_no_figure(
    mail_app: Flask,
    smtp_server: SmtpServer,
    survey: Survey,
    campaign: Campaign,
    codes: dict[str, str],
) -> None:
    _tick(mail_app, campaign.opens_at + timedelta(days=3, hours=1))
    [message] = smtp_server.to("ana@acme.example")
    link = f"{BASE_URL}/p/{codes['ana@acme.example']}"
    last_day = last_day_of(campaign.closes_at)
    closing = f"{last_day:%A} {last_day.day} {last_day:%B %Y}"
    text, html = message.part("plain"), message.part("html")
    assert message.subject == f"Reminder: “CRM pulse” is open until {closing}"
    for body in (text, html):
        words = " ".join(re.sub(r"<[^>]+>", " ", body).split())
        assert link in words and closing in words and "CRM pulse" in words
        assert "anonymous" in words
        assert "went to everyone whose link is unused" in words
        assert "stops as soon as you answer" in words
        # No result, no count, no one else: the only digits are the link's and the date's.
        assert not re.search(r"\d", words.replace(link, "").replace(closing, "")), words
        assert not any(other in words for other in ("ben@", "cy@", "Claims"))
    assert '<html lang="en">' in html and "<title>Reminder: CRM pulse</title>" in html
    assert f'<a href="{link}">' in html and f"<p>{link}</p>" in html


def test_the_tick_command_prints_the_reminders_and_keeps_them_in_the_outbox(
    runner: FlaskCliRunner, survey: Survey, campaign: Campaign, codes: dict[str, str]
) -> None:
    _settings(survey, after_days=3, limit=1)
    result = runner.invoke(args=["surveys", "tick"])
    assert result.exit_code == 0, result.output
    assert (
        f"Reminded 3 people with an unused link of campaign {campaign.id} of “CRM pulse” "
        "(Acme CRM), to the outbox (no SMTP server is set)." in result.output
    )
    kept = db.session.scalars(select(SentMail).order_by(SentMail.recipient)).all()
    assert [(mail.recipient, mail.via) for mail in kept] == [(email, "outbox") for email in PEOPLE]
    assert kept[0].body_text is not None
    assert f"/p/{codes['ana@acme.example']}" in kept[0].body_text
    again = runner.invoke(args=["surveys", "tick"])
    assert "Reminded" not in again.output and "nothing due" in again.output


# --- the survey's settings ------------------------------------------------------------


def _builder_data(**overrides: str) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "title": "CRM pulse",
        "intro": "",
        "dimensions": DIMENSIONS,
        "reminder_after_days": "3",
        "reminder_limit": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminder_after_days", "0", "Remind after 1 to 30 days."),
        ("reminder_after_days", "31", "Remind after 1 to 30 days."),
        ("reminder_after_days", "", "Enter after how many days to remind."),
        ("reminder_limit", "6", "Send 0 to 5 reminders (0: none)."),
        ("reminder_limit", "-1", "Send 0 to 5 reminders (0: none)."),
    ],
)
def test_reminder_settings_out_of_range_come_back_named_and_kept(
    client: FlaskClient, world: World, survey: Survey, field: str, value: str, message: str
) -> None:
    login(client, world.consultant)
    response = client.post(f"/surveys/{survey.id}/edit", data=_builder_data(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert re.search(rf'id="{field}"[^>]*value="{re.escape(value)}"', page) or (
        value == "" and re.search(rf'id="{field}"', page)
    )
    db.session.refresh(survey)
    assert (survey.reminder_after_days, survey.reminder_limit) == (3, 1)


def test_reminder_settings_are_saved_and_shown_again(
    client: FlaskClient, world: World, survey: Survey
) -> None:
    login(client, world.consultant)
    form = client.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    assert "Remind after (days)" in form and "Reminders at most" in form
    response = client.post(
        f"/surveys/{survey.id}/edit",
        data=_builder_data(reminder_after_days="5", reminder_limit="0"),
    )
    assert response.status_code == 302
    db.session.refresh(survey)
    assert (survey.reminder_after_days, survey.reminder_limit) == (5, 0)
    again = client.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    assert re.search(r'id="reminder_after_days"[^>]*value="5"', again)
    assert re.search(r'id="reminder_limit"[^>]*value="0"', again)


def test_a_post_without_the_reminder_fields_keeps_the_settings(
    client: FlaskClient, world: World, survey: Survey
) -> None:
    _settings(survey, after_days=7, limit=2)
    login(client, world.consultant)
    data = _builder_data(title="Renamed pulse")
    del data["reminder_after_days"], data["reminder_limit"]
    assert client.post(f"/surveys/{survey.id}/edit", data=data).status_code == 302
    db.session.refresh(survey)
    assert (survey.title, survey.reminder_after_days, survey.reminder_limit) == (
        "Renamed pulse", 7, 2,
    )  # fmt: skip
