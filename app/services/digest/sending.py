"""``digest send``: one message per opted-in member, initiative and ISO week.

Who gets one: every membership with ``weekly_digest`` (executives and consultants, the
only roles there are), for each initiative of that organisation. Someone removed from
the organisation has no membership left, so nothing is sent to them. An initiative with
nothing to say (no stall point, no finding, no adoption figure, nothing overdue, no known
effect) sends nothing that week: an empty email every Monday teaches people to ignore it.

Each message's key is ``digest:<user>:<initiative>:<ISO year>-W<week>`` (the week of
``today``), claimed in the send log before it leaves (``app.mail``): running the command
twice, or daily from cron, sends one per week, and a message that failed is tried again
at the next run. The diagnosis is computed once per initiative and shared by its readers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.mail import Mail, MailError, Postbox, already_sent, postbox
from app.services.diagnosis import diagnose
from app.services.digest.content import Digest, Links, build, known_effects
from models import Initiative, Membership, db

KIND = "digest"


def digest_key(user_id: int, initiative_id: int, today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"{KIND}:{user_id}:{initiative_id}:{year}-W{week:02d}"


@dataclass(frozen=True)
class Outcome:
    """One line of the command's output."""

    state: str  # sent | already sent | would send | nothing to say | failed
    to: str
    digest: Digest | None
    error: str = ""

    def __str__(self) -> str:
        if self.state == "failed" or self.digest is None:
            return f"{self.state}: {self.error or self.to}"
        about = f"{self.digest.organization} · {self.digest.initiative}"
        return f"{self.state}: {self.to} · {about} ({self.digest.week_label})"


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.state == state)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    @property
    def summary(self) -> str:
        states = ("sent", "would send", "already sent", "nothing to say", "failed")
        parts = [f"{state} {self.count(state)}" for state in states if self.count(state)]
        return ", ".join(parts) or "nobody has opted in"


def subscriptions() -> list[tuple[Membership, Initiative]]:
    """Every opted-in membership with each initiative of its organisation."""
    rows = db.session.execute(
        select(Membership, Initiative)
        .join(Initiative, Initiative.organization_id == Membership.organization_id)
        .where(Membership.weekly_digest.is_(True))
        .options(joinedload(Membership.user), joinedload(Membership.organization))
        .order_by(Initiative.id, Membership.user_id)
    ).all()
    return [(membership, initiative) for membership, initiative in rows]


def render(digest: Digest) -> tuple[str, str]:
    """The plain-text and HTML parts (templates/email/digest.txt and .html)."""
    env = current_app.jinja_env
    text = env.get_template("email/digest.txt").render(digest=digest)
    html = env.get_template("email/digest.html").render(digest=digest)
    return text, html


def digests(today: date) -> Iterator[tuple[Membership, Digest]]:
    """Each opted-in member's digest of each initiative, one diagnosis per initiative."""
    links = Links()
    built: dict[int, Digest] = {}
    for membership, initiative in subscriptions():
        if initiative.id not in built:
            found = diagnose(initiative, today, every_team_series=False)
            built[initiative.id] = build(initiative, found, known_effects(initiative, today), links)
        yield membership, built[initiative.id]


def send_digests(today: date, *, dry_run: bool = False) -> Report:
    """Send this week's digests; see the module docstring. Failures are reported, not raised."""
    report = Report()
    with postbox() as box:
        for membership, digest in digests(today):
            to = membership.user.email
            key = digest_key(membership.user_id, digest.initiative_id, today)
            if not digest.has_news:
                report.outcomes.append(Outcome("nothing to say", to, digest))
            elif already_sent(key):
                report.outcomes.append(Outcome("already sent", to, digest))
            elif dry_run:
                report.outcomes.append(Outcome("would send", to, digest))
            else:
                report.outcomes.append(_deliver(box, key, to, digest))
    return report


def _deliver(box: Postbox, key: str, to: str, digest: Digest) -> Outcome:
    text, html = render(digest)
    mail = Mail(key, KIND, to, digest.subject, text, html, digest.organization_id)
    try:
        sent = box.deliver(mail)
    except MailError as error:
        return Outcome("failed", to, digest, str(error))
    return Outcome("sent" if sent else "already sent", to, digest)
