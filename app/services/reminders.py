"""Reminders to people whose personal link is still unused while its campaign is open.

A survey says when and how often (``Survey.reminder_after_days``, ``reminder_limit``):
the first reminder ``after_days`` days after the campaign opens, then one every as many
days, at most ``limit`` (0: none). The tick (``surveys tick``) calls :func:`send_due`.

What keeps it anonymous: a link is reminded because it is *unused*, which the
response rate already tells; nothing records or shows who answered what, and the
email carries the survey's title, the person's own link and the closing day, never a
result, a figure or anyone else's name. The send log keeps to whom, ``reminder`` and
when (``SentMail``).

Why it never sends twice: each reminder is claimed in the database before it leaves
(``reminders_sent`` moves from n to n + 1 only where it still is n, and only while the
link is unused), and its mail key ``reminder:<link>:<n + 1>`` is unique in the send log.
So a second run at the same moment, or two hosts at once, send nothing again; a
person who answers between two batches is not reminded. A crash between the claim and
the send loses that one reminder rather than risking a second one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Row, or_, select, update

from app.mail import Mail, MailError, Postbox, postbox
from app.services.surveys.timing import last_day_of
from app.services.transaction import commit
from models import Campaign, Initiative, Organization, PersonalLink, Survey, db

KIND = "reminder"
# Due links are read this many at a time (by id), so a 20,000-person campaign is
# never held in memory and each batch sees answers that arrived meanwhile.
BATCH = 500
# A daily cron job starts a few seconds later or earlier each day: a reminder one
# step after the last one is due even if the last left up to this much later.
SLACK = timedelta(hours=1)


@dataclass(frozen=True)
class _Campaign:
    """An open campaign of a survey that sends reminders, with what its email names."""

    id: int
    opens_at: datetime
    closes_at: datetime
    after_days: int
    limit: int
    survey_title: str
    initiative_name: str
    organization_id: int
    organization_name: str

    def steps_due(self, now: datetime) -> int:
        """How many reminders an unused link should have had by ``now``."""
        return min(self.limit, (now - self.opens_at) // timedelta(days=self.after_days))


@dataclass(frozen=True)
class Reminded:
    """Reminders the tick sent for one campaign (an event it prints)."""

    campaign_id: int
    survey_title: str
    initiative_name: str
    sent: int
    via: str

    def __str__(self) -> str:
        people = f"{self.sent} {'person' if self.sent == 1 else 'people'}"
        where = "by email" if self.via == "smtp" else "to the outbox (no SMTP server is set)"
        return (
            f"Reminded {people} with an unused link of campaign {self.campaign_id} of "
            f"“{self.survey_title}” ({self.initiative_name}), {where}."
        )


def send_due(now: datetime) -> list[str]:
    """Send every reminder due at ``now``; the events to print. Safe every minute."""
    campaigns = _open_campaigns(now)
    commit()  # end the read: each reminder is claimed in a transaction of its own
    events: list[str] = []
    with postbox() as box:
        for campaign in campaigns:
            sent, problem = _remind(box, campaign, now)
            if sent:
                names = (campaign.survey_title, campaign.initiative_name)
                events.append(str(Reminded(campaign.id, *names, sent, box.via)))
            if problem is not None:
                events.append(f"Reminders stopped, the next tick tries again: {problem}")
                break
    return events


def _open_campaigns(now: datetime) -> list[_Campaign]:
    rows = db.session.execute(
        select(
            Campaign.id,
            Campaign.opens_at,
            Campaign.closes_at,
            Survey.reminder_after_days,
            Survey.reminder_limit,
            Survey.title,
            Initiative.name,
            Organization.id,
            Organization.name,
        )
        .join(Survey, Survey.id == Campaign.survey_id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .join(Organization, Organization.id == Initiative.organization_id)
        .where(
            Campaign.opens_at <= now,
            Campaign.closes_at > now,
            Survey.reminder_limit > 0,
            Survey.reminder_after_days > 0,
        )
        .order_by(Campaign.id)
    ).all()
    return [_Campaign(*row) for row in rows]


def _remind(box: Postbox, campaign: _Campaign, now: datetime) -> tuple[int, str | None]:
    """Remind the campaign's due links; how many were sent, and why it stopped early."""
    sent = 0
    for link_id, email, code, done, last in _due_links(campaign, now):
        if not _claim(link_id, done, now):
            continue
        try:
            if box.deliver(reminder_mail(campaign, link_id, email, code, done + 1)):
                sent += 1
        except MailError as error:
            _unclaim(link_id, done, last)
            return sent, str(error)
    return sent, None


def _due_links(
    campaign: _Campaign, now: datetime
) -> Iterator[Row[int, str, str, int, datetime | None]]:
    """(id, email, code, reminders sent, last one) of each unused link owed a reminder.

    Selected in SQL, a batch at a time: the link is unused, has had fewer reminders
    than the steps passed, got none in the last ``after_days`` and is itself at least
    that old (a link handed out late is not reminded on its first day).
    """
    steps = campaign.steps_due(now)
    if steps <= 0:
        return
    quiet_since = now - timedelta(days=campaign.after_days) + SLACK
    after_id = 0
    while True:
        rows = db.session.execute(
            select(
                PersonalLink.id,
                PersonalLink.email,
                PersonalLink.code,
                PersonalLink.reminders_sent,
                PersonalLink.last_reminded_at,
            )
            .where(
                PersonalLink.campaign_id == campaign.id,
                PersonalLink.id > after_id,
                PersonalLink.used_on.is_(None),
                PersonalLink.reminders_sent < steps,
                PersonalLink.created_at <= quiet_since,
                or_(
                    PersonalLink.last_reminded_at.is_(None),
                    PersonalLink.last_reminded_at <= quiet_since,
                ),
            )
            .order_by(PersonalLink.id)
            .limit(BATCH)
        ).all()
        commit()  # end the read before the claims
        yield from rows
        if len(rows) < BATCH:
            return
        after_id = rows[-1][0]


def _claim(link_id: int, done: int, now: datetime) -> bool:
    """Count the next reminder for this link, only if nobody has and it is still unused."""
    claimed = db.session.execute(
        update(PersonalLink)
        .where(
            PersonalLink.id == link_id,
            PersonalLink.reminders_sent == done,
            PersonalLink.used_on.is_(None),
        )
        .values(reminders_sent=done + 1, last_reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _unclaim(link_id: int, done: int, last: datetime | None) -> None:
    """The reminder could not leave: the link is as it was, so the next tick tries again."""
    db.session.execute(
        update(PersonalLink)
        .where(PersonalLink.id == link_id, PersonalLink.reminders_sent == done + 1)
        .values(reminders_sent=done, last_reminded_at=last)
        .execution_options(synchronize_session=False)
    )
    commit()


def pulse_url(code: str) -> str:
    """The full address of a personal link, for an email (``STEPWISE_BASE_URL``)."""
    path = current_app.url_map.bind("localhost").build("pulse.answer", {"code": code})
    return str(current_app.config["STEPWISE_BASE_URL"]) + path


def reminder_mail(campaign: _Campaign, link_id: int, email: str, code: str, number: int) -> Mail:
    """The ``number``-th reminder of a link: plain text and HTML, no result in either."""
    closes_on = last_day_of(campaign.closes_at)
    context = {
        "survey_title": campaign.survey_title,
        "organization_name": campaign.organization_name,
        "initiative_name": campaign.initiative_name,
        "link": pulse_url(code),
        "last_day": f"{closes_on:%A} {closes_on.day} {closes_on:%B %Y}",
    }
    environment = current_app.jinja_env
    return Mail(
        key=f"reminder:{link_id}:{number}",
        kind=KIND,
        to=email,
        subject=f"Reminder: “{campaign.survey_title}” is open until {context['last_day']}",
        text=environment.get_template("email/reminder.txt").render(context),
        html=environment.get_template("email/reminder.html").render(context),
        organization_id=campaign.organization_id,
    )
