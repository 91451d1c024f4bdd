"""A survey in several languages (#17): its default language, custom statements per
language, a version freezing every text, the consultant's fallback marks, and responses
per language counted once at publication, only as far as anonymity allows."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

import survey.instruments as instruments
import survey.library_text as library_text
from app.demo import DEMO_GERMAN_TEAM, DEMO_ORGANIZATION, seed_demo
from app.services import surveys
from app.services.errors import ServiceError
from app.services.surveys import CustomItem
from models import Initiative, Organization, PublishedGroup, Response, Survey, Team, db
from survey.instruments import AGREE5, items_from_snapshot
from tests import builders
from tests.builders import login, make_campaign, make_survey, publish
from tests.conftest import World

GERMAN = "Das CRM zeigt mir, was ich als Nächstes für einen Kunden tun kann."
FRENCH = "Le CRM me montre quoi faire ensuite pour un client."
ENGLISH = "The CRM shows me what to do next for a customer."


def _new(client: FlaskClient, world: World, **data: object) -> tuple[int, str]:
    login(client, world.consultant)
    form = {"title": "Pulse Leipzig", "dimensions": ["adkar_desire", "comment"], **data}
    response = client.post(f"/initiatives/{world.initiative.id}/surveys/new", data=form)
    return response.status_code, response.get_data(as_text=True)


def _only_survey() -> Survey:
    return db.session.scalars(select(Survey)).one()


def _custom(survey: Survey) -> dict[str, object]:
    version = surveys.latest_version(survey.id)
    (item,) = [i for i in items_from_snapshot(version.items) if i.dimension == "custom"]
    return {"language": item.language, "texts": item.texts()}


# --- the builder ---------------------------------------------------------------------


def test_the_builder_saves_the_default_language_and_texts_per_language(
    client: FlaskClient, world: World
) -> None:
    status, _ = _new(
        client,
        world,
        default_language="de",
        **{"custom-0-text_de": GERMAN, "custom-0-text_fr": FRENCH, "custom-0-scale": AGREE5},
    )
    assert status == 302
    survey = _only_survey()
    assert survey.default_language == "de"
    assert _custom(survey) == {"language": "de", "texts": {"de": GERMAN, "fr": FRENCH}}

    # The edit page shows every text again, each input in its language, the default first.
    page = client.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="de">|<option value="de" selected', page)
    inputs = re.findall(r'<input[^>]*name="custom-0-text[^"]*"[^>]*>', page)
    assert [re.search(r'lang="(\w+)"', tag).group(1) for tag in inputs] == ["de", "en", "fr", "es"]  # type: ignore[union-attr]
    assert f'value="{FRENCH}"' in page and f'value="{GERMAN}"' in page


def test_a_statement_without_the_default_language_text_is_refused_with_the_input_kept(
    client: FlaskClient, world: World
) -> None:
    status, page = _new(
        client,
        world,
        intro="Warum wir fragen",
        default_language="de",
        **{"custom-0-text": "", "custom-1-text": ENGLISH, "custom-1-text_fr": FRENCH},
    )
    assert status == 422
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0
    assert "Your statement 2 (Deutsch): Needs a text in Deutsch, the survey’s default" in page
    assert f'value="{ENGLISH}"' in page and f'value="{FRENCH}"' in page
    assert "Warum wir fragen" in page
    assert re.search(r'<option selected value="de">|<option value="de" selected', page)


def test_an_edit_that_leaves_the_language_out_keeps_it(client: FlaskClient, world: World) -> None:
    survey = surveys.create_survey(
        world.initiative, "Pulse Leipzig", "", ["adkar_desire"], [CustomItem(GERMAN, AGREE5)],
        language="de",
    )  # fmt: skip
    login(client, world.consultant)
    response = client.post(
        f"/surveys/{survey.id}/edit",
        data={
            "title": "Pulse Leipzig",
            "dimensions": ["adkar_desire"],
            "custom-0-text_de": GERMAN,
            "custom-0-text": ENGLISH,
            "custom-0-scale": AGREE5,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get_one(Survey, survey.id).default_language == "de"
    # The German statement keeps its key and gains an English text: a new version.
    assert _custom(survey) == {"language": "de", "texts": {"de": GERMAN, "en": ENGLISH}}
    assert surveys.latest_version(survey.id).number == 2


def test_the_service_names_the_statement_missing_its_default_text(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        surveys.create_survey(
            world.initiative,
            "Pulse",
            "",
            ["adkar_desire"],
            [CustomItem(ENGLISH, AGREE5), CustomItem("", AGREE5, translations=(("fr", FRENCH),))],
            language="en",
        )
    assert str(refused.value) == (
        "Custom statement 2 needs a text in English, the survey’s default language."
    )


def test_a_version_freezes_every_language_of_its_texts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = make_survey(world.initiative, ["adkar_desire"])
    frozen = {
        i.key: i.texts() for i in items_from_snapshot(surveys.latest_version(survey.id).items)
    }
    assert set(frozen["adkar_desire_1"]) == {"en", "de", "fr", "es"}

    # The library's German wording changes afterwards (a new release): new surveys ask it...
    module = library_text.MODULES["de"]
    monkeypatch.setattr(module, "ITEMS", {**module.ITEMS, "adkar_desire_1": "Neu formuliert."})
    dimension = instruments.DIMENSIONS_BY_KEY["adkar_desire"]
    reworded = tuple(
        replace(item, translations=library_text.library_items(item.key)) for item in dimension.items
    )
    monkeypatch.setitem(
        instruments.DIMENSIONS_BY_KEY, "adkar_desire", replace(dimension, items=reworded)
    )
    newer = make_survey(world.initiative, ["adkar_desire"], title="Newer pulse")
    (asked,) = items_from_snapshot(surveys.latest_version(newer.id).items)
    assert asked.wording("de") == ("Neu formuliert.", "de")

    # ... and the existing version keeps every text it was sent with.
    db.session.expire_all()
    again = {i.key: i for i in items_from_snapshot(surveys.latest_version(survey.id).items)}
    assert again["adkar_desire_1"].texts() == frozen["adkar_desire_1"]
    assert again["adkar_desire_1"].wording("de")[0] != "Neu formuliert."


# --- the consultant's fallback marks -----------------------------------------------------


def test_a_custom_statement_missing_a_language_is_marked_for_the_consultant_only(
    client: FlaskClient, world: World
) -> None:
    survey = surveys.create_survey(
        world.initiative,
        "Pulse Leipzig",
        "",
        ["adkar_desire"],
        [CustomItem(GERMAN, AGREE5, translations=(("fr", FRENCH),))],
        language="de",
    )
    campaign = make_campaign(survey, [world.team])

    login(client, world.consultant)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "English: shows the Deutsch text" in page
    assert "Español: shows the Deutsch text" in page
    assert "Français: shows" not in page  # it has its own text
    assert f'<span lang="de">{GERMAN}</span>' in page
    assert page.count("pulse-fallback") == 2  # the library statement has every language

    client.post("/logout")
    login(client, world.executive)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "shows the Deutsch text" not in page


# --- responses per language, at publication ---------------------------------------------


def _published_in(
    world: World, languages: dict[str | None, int]
) -> tuple[Survey, PublishedGroup, list[int]]:
    survey = make_survey(world.initiative, ["adkar_desire"])
    teams = [world.team, builders.make_team(world.organization, "Service Leipzig")]
    campaign = make_campaign(survey, {teams[0]: 60, teams[1]: 60})
    codes = [code for code, n in languages.items() for _ in range(n)]
    for index, _code in enumerate(codes):
        builders.answer(campaign, teams[index % 2], [{"adkar_desire_1": 4}])
    ids = list(db.session.scalars(select(Response.id).order_by(Response.id)))
    for response_id, code in zip(ids, codes, strict=True):
        db.session.execute(update(Response).where(Response.id == response_id).values(language=code))
    db.session.commit()
    publish(campaign)
    whole = db.session.scalars(
        select(PublishedGroup).where(
            PublishedGroup.campaign_id == campaign.id, PublishedGroup.team_id.is_(None)
        )
    ).one()
    teams_stored = list(
        db.session.scalars(
            select(PublishedGroup.languages).where(
                PublishedGroup.campaign_id == campaign.id, PublishedGroup.team_id.is_not(None)
            )
        )
    )
    assert teams_stored and all(stored is None for stored in teams_stored)  # everyone only
    return survey, whole, [campaign.id]


def test_responses_per_language_are_stored_folded_and_shown_to_consultants_only(
    client: FlaskClient, world: World
) -> None:
    survey, whole, (campaign_id,) = _published_in(
        world, {"en": 12, "de": 7, "fr": 3, "es": 2, None: 1}
    )
    # fr 3, es 2 and 1 not recorded are 6: enough for an "other languages" bucket.
    assert whole.languages == [["en", 12], ["de", 7], ["other", 6]]

    url = f"/surveys/{survey.id}/results?campaign={campaign_id}"
    login(client, world.consultant)
    page = client.get(url).get_data(as_text=True)
    assert "Responses by language" in page
    text = re.sub(r"<[^>]+>", "", page)
    assert "English 12 · Deutsch 7 · other languages 6" in text
    assert "fewer than 5 answers are grouped" in text

    client.post("/logout")
    login(client, world.executive)
    assert "Responses by language" not in client.get(url).get_data(as_text=True)


def test_a_small_remainder_takes_the_next_smallest_language_with_it(world: World) -> None:
    _, whole, _ = _published_in(world, {"en": 14, "de": 6, "fr": 5, "es": 3})
    # es 3 alone could be derived; fr (5) joins it, de (6) stays on its own.
    assert whole.languages == [["en", 14], ["de", 6], ["other", 8]]


def test_nothing_is_stored_when_all_but_one_answered_in_one_language(world: World) -> None:
    _, whole, _ = _published_in(world, {"en": 11, "fr": 1})
    # Folding the one French answer in leaves a single bucket: the split would tell nothing
    # the total does not, and showing "English 11" would single out the twelfth person.
    assert whole.responses == 12
    assert whole.languages is None


# --- the demo ------------------------------------------------------------------------------


def test_a_northwind_team_answers_in_german(app: Flask) -> None:
    seed_demo(today=date(2026, 11, 25))
    db.session.commit()
    initiative = db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == DEMO_ORGANIZATION)
    ).one()
    names = dict(
        db.session.execute(
            select(Team.id, Team.name).where(Team.organization_id == initiative.organization_id)
        ).all()
    )
    spoken = set(db.session.execute(select(Response.team_id, Response.language).distinct()).all())
    assert {(names[team], language) for team, language in spoken if language == "de"} == {
        (DEMO_GERMAN_TEAM, "de")
    }
    assert {language for _, language in spoken} == {"en", "de"}
    # Every published campaign shows the German answers among everyone's, for consultants.
    stored = db.session.scalars(
        select(PublishedGroup.languages).where(PublishedGroup.team_id.is_(None))
    ).all()
    assert len(stored) == 6
    assert all(counts is not None and dict(counts).get("de", 0) >= 5 for counts in stored)
