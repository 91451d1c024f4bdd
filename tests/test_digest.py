"""The Monday digest: opting in on the account page, ``digest send`` once per ISO week,
and a message that says what the recipient's dashboard says, through a real SMTP server.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.demo import DEMO_LOGINS, seed_demo
from app.services.diagnosis import diagnose
from app.services.digest import digest_key
from app.services.digest.content import known_effects
from models import Initiative, Membership, Organization, Role, SentMail, User, db
from tests import builders
from tests.smtp_server import SmtpServer, smtp_server  # noqa: F401

SMALL_TEAM = "Sales Operations"  # four people, three answers a campaign: never reported
TODAY = date.today()
BASE = "https://stepwise.example.com"


def _demo() -> Initiative:
    seed_demo()
    db.session.commit()
    return db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == "Northwind Mutual")
    ).one()


def _person(role: str, number: int = 0) -> tuple[User, str]:
    logins = [item for item in DEMO_LOGINS if item.role == role]
    user = db.session.scalars(select(User).where(User.email == logins[number].email)).one()
    return user, logins[number].password


def _log_in(client: FlaskClient, role: str, number: int = 0) -> User:
    user, password = _person(role, number)
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302
    return user


def _choose(client: FlaskClient, organization_ids: list[int]) -> Any:
    return client.post("/account/digest", data={"organizations": organization_ids})


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _send(app: Flask, *args: str) -> Any:
    """``digest send`` on ``app`` (a command runs in the app context already pushed)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["digest", "send", *args])
    db.session.expire_all()
    return result


def _opt_in_demo(client: FlaskClient, organization: Organization) -> list[str]:
    """Over HTTP: the second executive and the consultant opt in, the first opts out."""
    chosen = []
    for role, number, on in (
        ("executive", 1, True),
        ("consultant", 0, True),
        ("executive", 0, False),
    ):
        user = _log_in(client, role, number)
        page = client.get("/account").get_data(as_text=True)
        assert "Monday digest" in page and organization.name in page
        response = _choose(client, [organization.id] if on else [])
        assert response.status_code == 302
        if on:
            chosen.append(user.email)
        client.post("/logout")
    return chosen


def test_opted_in_members_get_one_digest_a_week(  # type: ignore[no-untyped-def]
    app,
    make_app,
    client: FlaskClient,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    initiative = _demo()
    organization = initiative.organization
    chosen = _opt_in_demo(client, organization)
    # Someone who opted in and was then removed from the organisation gets nothing.
    leaver = builders.make_user("leaver@northwind.demo", organization=organization)
    db.session.commit()
    builders.login(client, leaver)
    assert _choose(client, [organization.id]).status_code == 302
    client.post("/logout")
    _log_in(client, "consultant")
    assert client.post(f"/orgs/{organization.id}/members/{leaver.id}/remove").status_code == 302
    # A member of another organisation who did not opt in gets nothing either.
    builders.make_user("bystander@globex.example", organization=builders.make_organization())
    db.session.commit()

    mailing = make_app(STEPWISE_SMTP_URL=smtp_server.url, STEPWISE_BASE_URL=BASE)
    monday = TODAY - timedelta(days=TODAY.weekday())
    first = _send(mailing, "--today", monday.isoformat())
    assert first.exit_code == 0, first.output
    assert sorted(r for m in smtp_server.messages for r in m.recipients) == sorted(chosen)
    assert first.output.count("sent: ") == 2 and first.output.endswith("sent 2\n")
    week = monday.isocalendar()[1]
    assert {m.subject for m in smtp_server.messages} == {
        f"Stepwise — {initiative.name}, week {week}: stalled at Empower"
    }

    # Again the same week, later that week (cron runs daily): nothing is sent twice.
    for day in (monday, monday + timedelta(days=3)):
        again = _send(mailing, "--today", day.isoformat())
        assert again.exit_code == 0 and again.output == "already sent 2\n", again.output
    assert len(smtp_server.messages) == 2
    dry = _send(mailing, "--today", (monday + timedelta(days=7)).isoformat(), "--dry-run")
    assert dry.output.count("would send: ") == 2 and len(smtp_server.messages) == 2

    # The next week: one more each.
    smtp_server.clear()
    nxt = _send(mailing, "--today", (monday + timedelta(days=7)).isoformat())
    assert nxt.exit_code == 0 and nxt.output.endswith("sent 2\n"), nxt.output
    assert sorted(r for m in smtp_server.messages for r in m.recipients) == sorted(chosen)
    logged = db.session.scalars(select(SentMail).where(SentMail.recipient.in_(chosen))).all()
    weeks = [monday.isocalendar(), (monday + timedelta(days=7)).isocalendar()]
    labels = {f"{year}-W{number:02d}" for year, number, _ in weeks}
    assert sorted(m.key.rsplit(":", 1)[1] for m in logged) == sorted([*labels, *labels])
    assert all(m.kind == "digest" and m.via == "smtp" and m.body_text is None for m in logged)


def _dashboard_facts(page: str) -> dict[str, Any]:
    """What the dashboard shows: the stall point, the top findings, adoption, overdue."""
    text = _text(page)
    stall = re.search(r"(Stalled at step \d: [^<]+?)</h2>\s*<p>Health (\d+) of 100", page)
    assert stall is not None
    titles = re.findall(r'<h3 id="finding-[123]-title">.*?</span> (.*?)</h3>', page, re.S)
    glance = re.search(r"<strong>(Adoption rate: \d+%)</strong> against a target of\s+(\d+%)", page)
    outlook = re.search(r"<dt>Against target</dt><dd>(.*?)</dd>", page, re.S)
    late = r'<li><a href="(/actions/\d+/edit)">(.*?)</a>.*?(\d+) days? late'
    overdue = re.findall(late, page, re.S)
    assert glance is not None and outlook is not None and overdue
    return {
        "stall": stall.group(1).strip(),
        "health": stall.group(2),
        "titles": [html.unescape(t) for t in titles],
        "adoption": glance.group(1),
        "target": glance.group(2),
        "outlook": html.unescape(outlook.group(1).strip()),
        "overdue": [(path, html.unescape(title), days) for path, title, days in overdue],
        "text": text,
    }


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def test_the_digest_says_what_the_dashboard_shows(  # type: ignore[no-untyped-def]
    app,
    make_app,
    client: FlaskClient,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    initiative = _demo()
    _opt_in_demo(client, initiative.organization)
    result = _send(make_app(STEPWISE_SMTP_URL=smtp_server.url, STEPWISE_BASE_URL=BASE))
    assert result.exit_code == 0, result.output

    for role, number in (("executive", 1), ("consultant", 0)):
        user = _log_in(client, role, number)
        page = client.get(f"/initiatives/{initiative.id}/dashboard").get_data(as_text=True)
        client.post("/logout")
        shown = _dashboard_facts(page)
        (message,) = smtp_server.to(user.email)
        text = message.part("plain").replace("\r\n", "\n")
        body = _text(message.part("html"))
        for part in (text, body):
            assert f"{shown['stall']}" in part
            assert f"Health {shown['health']} of 100 (weak)" in part
            assert [t for t in shown["titles"] if t in part] == shown["titles"]
            assert len(shown["titles"]) == 3
            assert f"{shown['adoption']} against a target of {shown['target']}" in part
            assert f"Against target: {shown['outlook']}" in part
            for path, title, days in shown["overdue"]:
                assert title in part and f"{BASE}{path}" in message.part("html")
                assert f"{days} days late" in text or f">{days}<" in message.part("html")
            # The overdue action's step as the step pages name it ("5. Empower").
            assert "(5. Empower · " in text and "<td>5. Empower</td>" in message.part("html")
        # Each finding's period and n as the dashboard words them.
        for finding in diagnose(initiative).top:
            assert finding.executive in text
        assert f"{BASE}/initiatives/{initiative.id}/dashboard#finding-1" in text

        # No figure the recipient cannot see in the app: every number in the digest
        # (links, dates and the week aside) is on their dashboard, and each known effect
        # on its action's page; the small team, whose pulse figures the anonymity plan
        # hides, is named nowhere in it.
        text, _, effects = text.partition("ACTIONS WHOSE EFFECT IS NOW KNOWN")
        listed = re.findall(rf"^  ({re.escape(BASE)}(/\S+))$", effects, re.M)
        assert len(listed) == len(known_effects(initiative, TODAY)) >= 1
        for url, path in listed:
            _log_in(client, role, number)
            action_page = _text(client.get(path).get_data(as_text=True))
            client.post("/logout")
            block = effects[: effects.index(url)].rsplit("\n- ", 1)[1]
            for sentence in re.findall(r"^  (\S.*)$", block, re.M):
                assert sentence.split(": ", 1)[-1] in action_page, sentence
        plain = re.sub(r"https?://\S+", "", text)
        plain = re.sub(r"\d{1,2} \w{3} \d{4}", "", plain)
        plain = re.sub(r"Week \d+ of \d{4}", "", plain)
        assert _numbers(plain) - _numbers(shown["text"]) == set()
        assert SMALL_TEAM in shown["text"]  # listed there as a hidden row...
        assert SMALL_TEAM not in text and SMALL_TEAM not in body  # ...never in the digest
        assert "comment" not in text.lower()


class _Structure(HTMLParser):
    """A basic well-formedness check: every element closed in order, void ones aside."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
        else:
            self.open.pop()


def test_outbox_mode_keeps_text_and_accessible_html(  # type: ignore[no-untyped-def]
    app, client: FlaskClient, runner
) -> None:
    initiative = _demo()
    organization = initiative.organization
    morgan = _log_in(client, "executive")
    assert _choose(client, []).status_code == 302  # off (the demo turns it on for Morgan)
    # A box for an organisation that is not theirs is refused, and nothing changes.
    stranger = builders.make_organization("Globex Bank")
    db.session.commit()
    refused = _choose(client, [organization.id, stranger.id])
    assert refused.status_code == 422 and "Globex Bank" not in refused.get_data(as_text=True)
    assert "Tick only organisations you belong to." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get_one(Membership, (morgan.id, organization.id)).weekly_digest
    assert _choose(client, [organization.id]).status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*value="{organization.id}"', page)
    membership = db.session.get(Membership, (morgan.id, organization.id))
    assert membership is not None and membership.weekly_digest and membership.role == Role.EXECUTIVE

    result = runner.invoke(args=["digest", "send"])
    assert result.exit_code == 0 and result.output.endswith("sent 1\n"), result.output
    key = digest_key(morgan.id, initiative.id, TODAY)
    (mail,) = db.session.scalars(select(SentMail).where(SentMail.key == key)).all()
    assert (mail.kind, mail.via, mail.recipient) == ("digest", "outbox", morgan.email)
    assert mail.body_text and "Stalled at step 5: Empower broad-based action" in mail.body_text
    assert mail.body_html is not None
    check = _Structure()
    check.feed(mail.body_html)
    check.close()
    assert check.doctype and check.errors == [] and check.open == []
    tags = [tag for tag, _ in check.tags]
    assert ("html", {"lang": "en"}) in check.tags
    assert tags.count("title") == 1 and tags.count("h1") == 1 and "h2" in tags
    assert "table" in tags and "th" in tags and "ol" in tags
    assert "img" not in tags and "script" not in tags and "style" not in tags
    links = re.findall(r'<a href="([^"]+)">([^<]*)</a>', mail.body_html)
    assert links and all(url.startswith("http") and words.strip() for url, words in links)
    assert f"<title>{html.escape(mail.subject)}</title>" in mail.body_html


def test_an_initiative_with_nothing_to_say_sends_nothing(  # type: ignore[no-untyped-def]
    app, runner, client: FlaskClient
) -> None:
    organization = builders.make_organization()
    builders.make_initiative(organization)
    executive = builders.make_user(organization=organization)
    db.session.commit()
    builders.login(client, executive)
    assert _choose(client, [organization.id]).status_code == 302
    result = runner.invoke(args=["digest", "send"])
    assert result.exit_code == 0 and result.output == "nothing to say 1\n", result.output
    assert db.session.scalars(select(SentMail)).all() == []


def test_an_smtp_failure_is_reported_and_tried_again(  # type: ignore[no-untyped-def]
    app,
    make_app,
    client: FlaskClient,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    initiative = _demo()
    chosen = _opt_in_demo(client, initiative.organization)
    closed = smtp_server.url.rsplit(":", 1)[0] + ":1"  # nothing listens on port 1
    failed = _send(make_app(STEPWISE_SMTP_URL=closed))
    assert failed.exit_code == 1
    assert failed.output.count("failed: could not send digest to") == 2, failed.output
    assert failed.output.endswith("failed 2\n")
    assert db.session.scalars(select(SentMail).where(SentMail.recipient.in_(chosen))).all() == []
    retried = _send(make_app(STEPWISE_SMTP_URL=smtp_server.url))
    assert retried.exit_code == 0 and retried.output.endswith("sent 2\n")
    assert sorted(r for m in smtp_server.messages for r in m.recipients) == sorted(chosen)


def test_actions_whose_effect_is_known_are_listed_with_their_links(app) -> None:  # type: ignore[no-untyped-def]
    """Known effects (better, worse, noise) are listed; too early or none are not."""
    from app.services.digest.content import Links, build
    from app.services.digest.sending import render
    from app.services.effect_readings import ActionEffect, EffectLine
    from insights.effect_words import effect_words
    from insights.effects import Effect

    organization = builders.make_organization()
    initiative = builders.make_initiative(organization, name="Northwind CRM")
    db.session.commit()

    def effect(title: str, state: str, action_id: int) -> ActionEffect:
        found = Effect(state, 9.1, 3.2, 15.0, 2, 5, 6, 6, 0, 10.0)  # type: ignore[arg-type]
        if state == "too_early":
            found = Effect("too_early", None, None, None, 2, 5, 6, 1, 2, None)
        words = effect_words(found, "Adoption rate", "%")
        return ActionEffect(
            "step", action_id, title, "empower", TODAY - timedelta(days=40), "Claims, Sales",
            f"/actions/{action_id}/edit", [EffectLine("Adoption rate", "metric", found, words)],
        )  # fmt: skip

    effects = [
        effect("Coach the sales teams", "better", 7),
        effect("New dashboards", "too_early", 8),
    ]
    digest = build(initiative, diagnose(initiative), [e for e in effects if e.known], Links())
    assert digest.has_news and [e.title for e in digest.effects] == ["Coach the sales teams"]
    text, page = render(digest)
    assert "ACTIONS WHOSE EFFECT IS NOW KNOWN" in text and "Coach the sales teams" in text
    assert effects[0].lines[0].words in text and effects[0].lines[0].words in html.unescape(page)
    assert "http://127.0.0.1:5000/actions/7/edit" in text
    assert '<a href="http://127.0.0.1:5000/actions/7/edit">Coach the sales teams</a>' in page
    assert "New dashboards" not in text
    # Without anything else to say, a known effect alone is worth the email.
    assert digest.stall is None and not digest.findings and digest.adoption is None
    week = TODAY.isocalendar()[1]
    assert digest.subject == f"Stepwise — Northwind CRM, week {week}: no step is holding it back"
