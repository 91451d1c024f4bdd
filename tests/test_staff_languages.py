"""Staff pages in their own language: the pulse, the 360 forms and the workshop's phones.

The page speaks what the device chose (a switch link, kept in a cookie), else what the
browser asks for, else the survey's default; an answer keeps the language it was read in
and counts exactly like any other. The expected wording is read from the compiled
catalogues and the library, so these tests say which message is shown, not how a
translator put it.
"""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_date
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.i18n import COOKIE, TRANSLATIONS_DIR
from app.services import surveys, workshops
from app.services.surveys import CustomItem
from app.services.surveys.timing import last_day_of
from models import AnswerTally, Campaign, Response, Survey, db
from models.base import utcnow
from survey.instruments import AGREE5, DIMENSIONS_BY_KEY
from survey.practices import BEHAVIOURS
from tests import builders
from tests.builders import make_campaign, make_personal_link, team_code
from tests.conftest import World

FULL = {"item-resistance_unknown_1": "4", "item-resistance_unknown_2": "2", "item-recommend": "9"}
FIRST_ITEM = DIMENSIONS_BY_KEY["resistance_unknown"].items[0]


def words(language: str, message: str) -> str:
    """``message`` as a page in ``language`` shows it, from the compiled catalogue (a
    translation is markup of our own, so a template shows it unescaped)."""
    translations = Translations.load(str(TRANSLATIONS_DIR), [language])
    text = translations.gettext(message)
    assert text != message, f"{message!r} has no {language} translation"
    return text


def page_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([a-z]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_browsers_language_gives_a_german_pulse(client: FlaskClient, code: str) -> None:
    response = client.get(f"/p/{code}", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    page = page_of(response)
    assert response.status_code == 200 and html_lang(page) == "de"
    assert words("de", "Send my answers") in page and "Send my answers" not in page
    assert str(escape(FIRST_ITEM.wording("de")[0])) in page
    assert words("de", "Strongly agree") in page and words("de", "You said, we did") in page
    assert f'action="/p/{code}?lang=de"' in page  # the answer is stored as read
    assert "Set-Cookie" not in response.headers  # no choice made, nothing kept


def test_a_switch_link_changes_the_language_and_this_device_keeps_it(
    client: FlaskClient, code: str
) -> None:
    english = page_of(client.get(f"/p/{code}"))
    switch = re.search(r'<nav class="language-switch" aria-label="[^"]+">.*?</nav>', english, re.S)
    assert switch is not None
    assert f'<a href="/p/{code}?lang=fr" lang="fr" hreflang="fr">Français</a>' in (switch.group(0))
    assert 'lang="en" hreflang="en" aria-current="true">English</a>' in switch.group(0)

    response = client.get(f"/p/{code}?lang=fr", headers={"Accept-Language": "de"})
    assert html_lang(page_of(response)) == "fr"
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value == "fr" and cookie.http_only
    assert "session" not in response.headers.get("Set-Cookie", "")  # staff have no session

    later = page_of(client.get(f"/p/{code}", headers={"Accept-Language": "de"}))
    assert html_lang(later) == "fr" and words("fr", "Send my answers") in later
    assert 'lang="fr" hreflang="fr" aria-current="true">Français</a>' in later


def test_pages_for_consultants_have_no_switch_and_stay_english(client: FlaskClient) -> None:
    page = page_of(client.get("/login", headers={"Accept-Language": "de"}))
    assert html_lang(page) == "en" and "language-switch" not in page


def test_the_surveys_default_speaks_when_the_browser_asks_for_no_staff_language(
    client: FlaskClient, survey: Survey, code: str
) -> None:
    survey.default_language = "es"
    db.session.commit()
    page = page_of(client.get(f"/p/{code}", headers={"Accept-Language": "it-IT,it;q=0.9"}))
    assert html_lang(page) == "es" and words("es", "Send my answers") in page
    # Asked for a staff language, the browser wins over the default.
    page = page_of(client.get(f"/p/{code}", headers={"Accept-Language": "fr"}))
    assert html_lang(page) == "fr"


def test_a_custom_item_without_the_pages_language_shows_in_the_default_one_marked(
    client: FlaskClient, world: World
) -> None:
    custom = CustomItem(
        "Das neue CRM spart mir Zeit.", AGREE5, translations=(("en", "The new CRM saves me time."),)
    )
    survey = surveys.create_survey(
        world.initiative, "CRM-Puls", "", ["recommend"], [custom], language="de"
    )
    make_campaign(survey, [world.team])
    page = page_of(client.get(f"/p/{team_code(survey, world.team)}?lang=fr"))
    assert html_lang(page) == "fr"
    assert '<span lang="de">Das neue CRM spart mir Zeit.</span>' in page
    english = page_of(client.get(f"/p/{team_code(survey, world.team)}?lang=en"))
    assert "The new CRM saves me time." in english and '<span lang="de">' not in english


def test_a_french_answer_keeps_its_language_and_counts_like_an_english_one(
    client: FlaskClient, app: Flask, code: str, campaign: Campaign
) -> None:
    assert client.post(f"/p/{code}", data=FULL).status_code == 302
    phone = app.test_client()
    response = phone.post(f"/p/{code}?lang=fr", data=FULL)
    assert response.status_code == 302 and phone.get_cookie(COOKIE) is None
    languages = db.session.scalars(
        select(Response.language).where(Response.campaign_id == campaign.id)
    ).all()
    assert sorted(str(language) for language in languages) == ["en", "fr"]
    tallies = db.session.execute(
        select(AnswerTally.item_key, AnswerTally.value, AnswerTally.n).where(
            AnswerTally.campaign_id == campaign.id
        )
    ).all()
    assert sorted(tallies) == [
        ("recommend", 9, 2),
        ("resistance_unknown_1", 4, 2),
        ("resistance_unknown_2", 2, 2),
    ]


def test_a_form_sent_back_keeps_the_answers_and_its_language(
    client: FlaskClient, code: str
) -> None:
    partial = {"item-resistance_unknown_1": "4", "comment": "x" * 2001}
    response = client.post(f"/p/{code}?lang=fr", data=partial)
    page = page_of(response)
    assert response.status_code == 422 and html_lang(page) == "fr"
    assert words("fr", "Nothing was sent yet") in page
    assert re.search(r'name="item-resistance_unknown_1" value="4" checked', page)
    assert f'action="/p/{code}?lang=fr"' in page
    # German numbers: the comment's limit with the German grouping.
    german = page_of(client.post(f"/p/{code}?lang=de", data=partial))
    assert "2.000" in german and "2,000" not in german


def test_german_dates_on_the_pulse_page(client: FlaskClient, code: str, campaign: Campaign) -> None:
    page = page_of(client.get(f"/p/{code}?lang=de"))
    last_day = last_day_of(campaign.closes_at)
    assert format_date(last_day, "medium", locale="de") in page
    assert last_day.strftime("%-d %b %Y") not in page


def test_dead_links_say_so_in_spanish(
    client: FlaskClient, world: World, survey: Survey, campaign: Campaign, code: str
) -> None:
    spanish = {"Accept-Language": "es"}
    response = client.get("/p/nolinkhere", headers=spanish)
    assert response.status_code == 404 and html_lang(page_of(response)) == "es"
    assert words("es", "This link does not work") in page_of(response)

    personal = make_personal_link(campaign, world.team)
    assert client.post(f"/p/{personal}?lang=es", data=FULL).status_code == 302
    response = client.get(f"/p/{personal}", headers=spanish)
    assert response.status_code == 410
    assert words("es", "This link was already used") in page_of(response)

    campaign.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    response = client.get(f"/p/{code}", headers=spanish)
    assert words("es", "No pulse is open right now") in page_of(response)

    response = client.get("/360/nolinkhere", headers=spanish)
    assert response.status_code == 404
    assert words("es", "We do not recognise this link") in page_of(response)


def test_a_nul_character_is_refused_in_the_pages_language(client: FlaskClient, code: str) -> None:
    # The app-wide check runs before any page is known; a staff URL speaks its languages anyway.
    response = client.post(
        f"/p/{code}", data={**FULL, "comment": "a\x00b"}, headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 400 and html_lang(page_of(response)) == "fr"
    message = words("fr", "The field %(name)s holds a NUL character, which cannot be stored.")
    assert str(escape(message % {"name": "'comment'"})) in page_of(response)


def test_the_360_forms_in_german(client: FlaskClient, world: World) -> None:
    cycle = builders.make_practice_cycle(world.initiative, world.executive, world.consultant)
    german = {"Accept-Language": "de"}
    page = page_of(client.get(f"/360/{cycle.observer_code}", headers=german))
    assert html_lang(page) == "de" and words("de", "Send my ratings") in page
    leader = world.executive.name
    assert str(escape(BEHAVIOURS[0].observer_wording(leader, "de"))) in page
    assert words("de", "Almost always") in page
    assert f'action="/360/{cycle.observer_code}?lang=de"' in page

    builders.login(client, world.executive)
    page = page_of(client.get(f"/practices/{cycle.id}/self", headers=german))
    assert html_lang(page) == "de" and words("de", "Your leadership 360") in page
    assert str(escape(BEHAVIOURS[0].self_wording("de"))) in page


def test_the_workshop_phones_in_german(app: Flask, world: World) -> None:
    session = workshops.start_session(world.initiative, world.consultant, "Kick-off")
    db.session.commit()
    phone = app.test_client()
    german = {"Accept-Language": "de"}
    page = page_of(phone.get("/join", headers=german))
    assert html_lang(page) == "de" and words("de", "Join the workshop") in page
    response = phone.post(
        "/join", data={"code": session.code, "display_name": "Tom"}, headers=german
    )
    assert response.status_code == 302
    page = page_of(phone.get("/join/vote", headers=german))
    assert html_lang(page) == "de" and words("de", "Save my ratings") in page


def test_the_wait_before_another_try_is_said_in_the_pages_language(app: Flask) -> None:
    from app.i18n import speak_staff_languages
    from app.limits import wait_phrase

    for language, words in (("de", ["einer Minute", "7 Minuten", "3 Stunden"]),
                            ("es", ["un minuto", "7 minutos", "3 horas"]),
                            ("en", ["a minute", "7 minutes", "3 hours"])):  # fmt: skip
        with app.test_request_context("/p/any", headers={"Accept-Language": language}):
            speak_staff_languages()
            assert [wait_phrase(s) for s in (30, 7 * 60, 150 * 60)] == words
