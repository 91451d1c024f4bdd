"""A partner adds a language by adding a catalogue: the executive's dashboard is marked
for translation, so a catalogue with a few of its messages turns those into German, the
page says it is in German, dates and numbers follow German rules, and whatever the
catalogue lacks stays in English. Without the setting, the same request stays English."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask, render_template_string
from sqlalchemy import select

from models import Initiative, Metric, Observation, db
from tests import builders

GERMAN = {
    "Where is it stalling?": "Wo stockt es?",
    "The top three findings": "Die drei wichtigsten Befunde",
    "Adoption against target": "Nutzung gegenüber dem Ziel",
}


def _german_catalogue(root: Path) -> Path:
    catalog = Catalog(locale="de", domain="messages")
    for english, german in GERMAN.items():
        catalog.add(english, german)
    folder = root / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as out:
        write_mo(out, catalog)
    return root


def _initiative_with_logins() -> tuple[Initiative, Any]:
    """An executive's initiative whose headline metric is logins per active user (one
    decimal), with three weeks of figures for the whole initiative."""
    organization = builders.make_organization("Acme Insurance")
    initiative = builders.make_initiative(organization, name="Acme CRM")
    executive = builders.make_user(organization=organization, role="executive")
    metrics = {
        m.key: m for m in db.session.scalars(select(Metric).filter_by(initiative_id=initiative.id))
    }
    db.session.delete(metrics.pop("adoption_rate"))
    logins = next(m for m in metrics.values() if m.unit == "logins/week")
    monday = date.today() - timedelta(days=date.today().weekday())
    for weeks_ago, value in ((2, 3.5), (1, 4.25), (0, 4.75)):
        db.session.add(
            Observation(
                metric_id=logins.id, period=monday - timedelta(weeks=weeks_ago), value=value
            )
        )
    db.session.commit()
    return initiative, executive


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", page))


def _dashboard(
    app: Flask, initiative: Initiative, executive: Any, page: str = "", **headers: str
) -> str:
    client = app.test_client()
    builders.login(client, executive)
    response = client.get(f"/initiatives/{initiative.id}/dashboard{page}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_german_catalogue_turns_the_dashboard_german(app, make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    initiative, executive = _initiative_with_logins()
    german_app = make_app(
        STEPWISE_INTERFACE_LANGUAGES=("en", "de"),
        BABEL_TRANSLATION_DIRECTORIES=str(_german_catalogue(tmp_path / "translations")),
    )
    page = _dashboard(german_app, initiative, executive, **{"Accept-Language": "de-DE,de;q=0.9"})
    text = _text(page)

    assert '<html lang="de">' in page
    assert "<title>Wo stockt es? · Acme CRM" in text
    assert "<h1>Wo stockt es?</h1>" in text
    assert "Die drei wichtigsten Befunde" in text and "Nutzung gegenüber dem Ziel" in text
    assert "The top three findings" not in text and "Where is it stalling?" not in text
    # Dates and numbers by German rules; the words around them, not in the catalogue, English.
    today = date.today()
    assert f"as of {today.day:02d}.{today.month:02d}.{today.year}" in text
    assert "Logins per active user: 4,8 logins/week" in text  # a decimal comma
    assert "Did it work?" in text and "Overdue actions" in text

    summary = _dashboard(german_app, initiative, executive, "/summary", **{"Accept-Language": "de"})
    assert '<html lang="de">' in summary and "Wo stockt es?" in _text(summary)


def test_english_without_the_setting(app, make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    initiative, executive = _initiative_with_logins()
    english_app = make_app(
        BABEL_TRANSLATION_DIRECTORIES=str(_german_catalogue(tmp_path / "translations"))
    )
    page = _dashboard(english_app, initiative, executive, **{"Accept-Language": "de-DE,de;q=0.9"})
    text = _text(page)

    assert '<html lang="en">' in page
    assert "<h1>Where is it stalling?</h1>" in text and "The top three findings" in text
    assert "Wo stockt es?" not in text
    today = date.today()
    assert f"as of {today.day} {today:%b %Y}" in text
    assert "Logins per active user: 4.8 logins/week" in text


def test_the_json_api_stays_english_whatever_the_browser_asks(app, make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from flask_babel import gettext

    german_app = make_app(
        STEPWISE_INTERFACE_LANGUAGES=("en", "de"),
        BABEL_TRANSLATION_DIRECTORIES=str(_german_catalogue(tmp_path / "translations")),
    )
    asks = {"Accept-Language": "de-DE,de;q=0.9"}
    with german_app.test_request_context("/initiatives/1/dashboard", headers=asks):
        german_app.preprocess_request()
        assert gettext("Where is it stalling?") == "Wo stockt es?"
    with german_app.test_request_context("/api/v1/initiatives/1/diagnosis", headers=asks):
        german_app.preprocess_request()
        assert gettext("Where is it stalling?") == "Where is it stalling?"


COUNTED = '{{ ngettext("%(num)s answer", "%(num)s answers", n) }}'


def test_counts_and_moments_are_written_as_the_reader_writes_them(app, make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.templating import format_moment
    from insights.diagnosis.words import people_in_teams

    # Without a request: the English as written, with its thousands separator.
    assert people_in_teams(20_412, 1) == "20,412 people"
    german_app = make_app(
        STEPWISE_INTERFACE_LANGUAGES=("en", "de"),
        BABEL_TRANSLATION_DIRECTORIES=str(_german_catalogue(tmp_path / "translations")),
    )
    with german_app.test_request_context("/", headers={"Accept-Language": "de"}):
        german_app.preprocess_request()
        assert people_in_teams(20_412, 200).startswith("20.412 people")
        # The audit and mail logs' moments too: a German day, the same clock.
        assert format_moment(datetime(2026, 11, 3, 14, 5)) == "03.11.2026, 14:05"
        assert render_template_string(COUNTED, n=12_345) == "12.345 answers"
    with app.test_request_context("/"):
        app.preprocess_request()
        assert people_in_teams(1_234, 3) == "1,234 people in 3 teams"
        assert format_moment(datetime(2026, 11, 3, 14, 5)) == "3 Nov 2026, 14:05"
        # Templates count the same way, unless they give the number themselves.
        assert render_template_string(COUNTED, n=12_345) == "12,345 answers"
        assert render_template_string(COUNTED, n=1) == "1 answer"
        given = '{{ ngettext("%(num)s answer", "%(num)s answers", 2, num="two") }}'
        assert render_template_string(given) == "two answers"
        # A first capital that leaves the rest as written (nouns, names), escaped once.
        first = render_template_string("{{ v|upper_first }}", v="not shown: Sales & Service")
        assert first == "Not shown: Sales &amp; Service"
