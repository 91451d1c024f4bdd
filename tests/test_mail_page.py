"""The email page: an organisation's send log, and its outbox when no SMTP server is set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from app.services import reminders
from app.services.surveys import day_start
from models import Campaign, PersonalLink, SentMail, db
from models.base import utcnow
from tests.builders import login, make_campaign, make_personal_link, make_survey
from tests.conftest import World
from tests.smtp_server import SmtpServer

NO_SMTP = "No SMTP server is set (STEPWISE_SMTP_URL): messages wait here in the outbox"


@pytest.fixture
def campaign(world: World) -> Campaign:
    """Open since four days, with one unused personal link handed out before it opened."""
    opens_at = day_start(utcnow().date()) - timedelta(days=4)
    survey = make_survey(world.initiative, title="CRM pulse")
    found = make_campaign(survey, [world.team], opens_at, opens_at + timedelta(days=14))
    make_personal_link(found, world.team, "ana@acme.example")
    db.session.execute(update(PersonalLink).values(created_at=opens_at - timedelta(days=1)))
    db.session.commit()
    return found


def _code() -> str:
    return db.session.scalars(select(PersonalLink.code)).one()


def test_the_outbox_shows_a_consultant_what_would_have_been_sent(
    client: FlaskClient, world: World, campaign: Campaign
) -> None:
    assert len(reminders.send_due(utcnow())) == 1
    mail = db.session.scalars(select(SentMail)).one()
    login(client, world.consultant)

    log = client.get(f"/orgs/{world.organization.id}/mail")
    page = log.get_data(as_text=True)
    assert log.status_code == 200
    assert NO_SMTP in page
    assert "ana@acme.example" in page and "Reminder" in page and "kept in the outbox" in page
    assert f'href="/orgs/{world.organization.id}/mail/{mail.id}"' in page
    # The organisation's pages lead here.
    organization = client.get(f"/orgs/{world.organization.id}").get_data(as_text=True)
    assert f'href="/orgs/{world.organization.id}/mail"' in organization

    message = client.get(f"/orgs/{world.organization.id}/mail/{mail.id}")
    text = message.get_data(as_text=True)
    assert message.status_code == 200
    assert "Reminder: “CRM pulse” is open until" in text
    assert f"/p/{_code()}" in text and "stops as soon as you answer" in text

    html = client.get(f"/orgs/{world.organization.id}/mail/{mail.id}.html")
    assert html.status_code == 200
    assert html.mimetype == "text/html"
    assert html.headers["Content-Disposition"].startswith("inline")
    assert "script-src 'self'" in html.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in html.headers["Content-Security-Policy"]
    assert f'<a href="http://127.0.0.1:5000/p/{_code()}">' in html.get_data(as_text=True)


def test_executives_are_refused_and_outsiders_never_learn_of_it(
    client: FlaskClient, world: World, campaign: Campaign
) -> None:
    reminders.send_due(utcnow())
    mail = db.session.scalars(select(SentMail)).one()
    paths = [f"/orgs/{world.organization.id}/mail{tail}" for tail in ("", f"/{mail.id}")]
    paths.append(f"/orgs/{world.organization.id}/mail/{mail.id}.html")
    login(client, world.executive)
    assert [client.get(path).status_code for path in paths] == [403, 403, 403]
    organization = client.get(f"/orgs/{world.organization.id}").get_data(as_text=True)
    assert f"/orgs/{world.organization.id}/mail" not in organization
    outsider = client.application.test_client()
    login(outsider, world.outsider)
    assert [outsider.get(path).status_code for path in paths] == [404, 404, 404]


def test_with_smtp_the_log_says_to_whom_and_when_but_keeps_no_text(
    make_app: Callable[..., Flask], smtp_server: SmtpServer, world: World, campaign: Campaign
) -> None:
    web = make_app(STEPWISE_SMTP_URL=smtp_server.url)
    with web.app_context():
        reminders.send_due(utcnow())
    assert [message.recipients for message in smtp_server.messages] == [["ana@acme.example"]]
    mail = db.session.scalars(select(SentMail)).one()
    client = web.test_client()
    login(client, world.consultant)
    page = client.get(f"/orgs/{world.organization.id}/mail").get_data(as_text=True)
    assert NO_SMTP not in page
    assert "ana@acme.example" in page and "by email (SMTP)" in page
    assert f"/mail/{mail.id}" not in page  # nothing to open
    message = client.get(f"/orgs/{world.organization.id}/mail/{mail.id}").get_data(as_text=True)
    assert "its text is not kept" in message and "/p/" not in message
    assert client.get(f"/orgs/{world.organization.id}/mail/{mail.id}.html").status_code == 404


def test_the_log_is_paged_newest_first_and_holds_only_this_organisation(
    client: FlaskClient, world: World
) -> None:
    start = utcnow() - timedelta(days=1)
    for number in range(55):
        db.session.add(
            SentMail(
                key=f"reminder:{number}:1", kind="reminder", recipient=f"p{number:02}@acme.example",
                subject="Reminder", via="outbox", organization_id=world.organization.id,
                body_text="x", created_at=start + timedelta(minutes=number),
            )
        )  # fmt: skip
    db.session.add(
        SentMail(
            key="reminder:other:1", kind="reminder", recipient="someone@globex.example",
            subject="Reminder", via="outbox", organization_id=world.other_organization.id,
        )
    )  # fmt: skip
    db.session.commit()
    login(client, world.consultant)
    first = client.get(f"/orgs/{world.organization.id}/mail").get_data(as_text=True)
    second = client.get(f"/orgs/{world.organization.id}/mail?page=2").get_data(as_text=True)
    assert first.index("p54@acme.example") < first.index("p05@acme.example")
    assert "p04@acme.example" not in first and "p04@acme.example" in second
    assert "Page 1 of 2" in first
    assert "globex" not in first + second
    other_mail = db.session.scalars(
        select(SentMail.id).where(SentMail.organization_id == world.other_organization.id)
    ).one()
    assert client.get(f"/orgs/{world.organization.id}/mail/{other_mail}").status_code == 404


def test_an_empty_log_says_what_sends_mail(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    page = client.get(f"/orgs/{world.organization.id}/mail").get_data(as_text=True)
    assert "Nothing sent yet" in page and "surveys tick" in page
