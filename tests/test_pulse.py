"""Staff answering a pulse through a team or personal link: no login, anonymous, friendly."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.pulse.forms import AnswerForm, answer_form
from app.pulse.views import answered_cookie
from app.services.responses import LinkAlreadyUsed, claim_personal_link
from models import (
    Answer,
    AnswerTally,
    Campaign,
    PersonalLink,
    Response,
    ResponseTally,
    Survey,
    SurveyAction,
    db,
)
from models.base import utcnow
from survey.instruments import AGREE5, RECOMMEND10, TEXT, Item
from tests import builders
from tests.builders import make_campaign, make_personal_link
from tests.conftest import World

# A short pulse: two agreement statements (one reverse-worded), the 0-10 question, a comment.
FULL = {"item-resistance_unknown_1": "4", "item-resistance_unknown_2": "2", "item-recommend": "9"}


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_landing_says_who_asks_that_it_is_anonymous_and_how_long(
    client: FlaskClient, code: str
) -> None:
    response = client.get(f"/p/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Acme Insurance · Acme CRM" in page
    assert "at least 5 people" in page
    assert "About 1 minute" in page and "3 statements" in page
    assert "Claims" in page
    assert page.count('type="radio"') == 5 + 5 + 11
    assert "Strongly disagree" in page and "10 extremely likely" in page
    assert "plotly" not in page.lower()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert [src.split("?")[0] for src in scripts] == ["/static/js/pulse.js"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session, nothing to follow anyone by


def test_answering_updates_the_tallies(
    client: FlaskClient, code: str, campaign: Campaign, world: World
) -> None:
    response = client.post(f"/p/{code}", data={**FULL, "comment": "  More training please. "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{code}/thanks")
    tally = db.session.get(ResponseTally, (campaign.id, world.team.id))
    assert tally is not None and (tally.responses, tally.comments) == (1, 1)
    counts = dict(
        db.session.execute(
            select(AnswerTally.item_key, AnswerTally.value).where(AnswerTally.n == 1)
        ).all()
    )
    assert counts == {"resistance_unknown_1": 4, "resistance_unknown_2": 2, "recommend": 9}
    stored = db.session.scalars(select(Response)).one()
    assert stored.comment == "More training please."
    assert stored.submitted_on == utcnow().date()
    assert client.get(response.headers["Location"]).status_code == 200


def test_missing_required_answers_come_back_kept_and_named(client: FlaskClient, code: str) -> None:
    response = client.post(
        f"/p/{code}", data={"item-resistance_unknown_2": "2", "comment": "Keep me"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#q-resistance_unknown_1">Statement 1: choose an answer</a>' in page
    assert '<a href="#q-recommend">Statement 3: choose an answer</a>' in page
    assert "Statement 2:" not in page
    assert re.search(r'name="item-resistance_unknown_2" value="2" checked', page)
    assert ">Keep me</textarea>" in page
    assert _count(Response) == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"item-made_up": "3"}, "“made_up” is not a statement of this pulse."),
        ({"item-resistance_unknown_1": "6"}, "choose from 1 to 5"),
        ({"item-resistance_unknown_1": "0"}, "choose from 1 to 5"),
        ({"item-recommend": "11"}, "choose from 0 to 10"),
        ({"item-recommend": "-1"}, "choose from 0 to 10"),
        ({"item-resistance_unknown_1": "3.0"}, "not an answer to statement 1"),
        ({"item-resistance_unknown_1": "٣"}, "not an answer to statement 1"),
        ({"item-resistance_unknown_1": ["3", "4"]}, "answered more than once"),
        ({"item-comment": "5"}, "“comment” is not a statement of this pulse."),
    ],
)
def test_unknown_items_and_values_off_the_scale_are_refused(
    client: FlaskClient, code: str, extra: dict[str, object], message: str
) -> None:
    response = client.post(f"/p/{code}", data={**FULL, **extra})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your answers could not be taken" in page
    assert message in page
    assert _count(Response) == _count(Answer) == _count(AnswerTally) == 0


def test_a_comment_too_long_comes_back(client: FlaskClient, code: str) -> None:
    response = client.post(f"/p/{code}", data={**FULL, "comment": "x" * 2001})
    assert response.status_code == 422
    assert "keep it under 2,000 characters" in response.get_data(as_text=True)
    assert _count(Response) == 0


def test_the_answer_form_is_built_from_the_items_as_a_table() -> None:
    items = [
        Item("a", "d", "A", AGREE5),
        Item("b", "d", "B", AGREE5, required=False),
        Item("r", "recommend", "R", RECOMMEND10),
        Item("comment", "comment", "C", TEXT, required=False),
    ]
    form_class = answer_form(items)
    assert answer_form(list(items)) is form_class  # made once per set of items

    def posted(data: dict[str, list[str]]) -> AnswerForm:
        form = form_class(MultiDict([(k, v) for k, values in data.items() for v in values]))
        form.validate()
        return form

    form = posted({"item-a": ["5"], "item-r": ["0"], "comment": ["a\x00b"]})
    assert form.validate() and form.answers() == {"a": 5, "r": 0} and form.comment_text() == "ab"
    form = posted({"item-a": [""], "item-b": ["2"]})
    assert [item.key for item in form.missing()] == ["a", "r"] and not form.refused()
    assert form.answers() == {"b": 2}  # kept for the page that comes back
    form = posted({"item-a": ["9"], "item-r": ["3"]})
    assert form.refused() and not form.missing()  # a refused value is not also "missing"
    assert posted({"item-a": ["1", "2"], "item-r": ["3"]}).refused() == [
        "Statement 1 was answered more than once."
    ]
    assert posted({"item-a": ["1"], "item-r": ["3"], "item-x": ["1"]}).refused() == [
        "“x” is not a statement of this pulse."
    ]
    assert posted({"item-a": ["1"], "item-r": ["3"], "comment": ["x" * 2001]}).comment_too_long()


def test_personal_link_answers_once(client: FlaskClient, world: World, campaign: Campaign) -> None:
    code = make_personal_link(campaign, world.team)
    assert "and without this link" in client.get(f"/p/{code}").get_data(as_text=True)
    assert client.post(f"/p/{code}", data=FULL).status_code == 302
    link = db.session.scalars(select(PersonalLink)).one()
    assert link.used_on == utcnow().date()

    replay = client.post(f"/p/{code}", data=FULL)
    assert replay.status_code == 410
    assert "This link was already used" in replay.get_data(as_text=True)
    again = client.get(f"/p/{code}")
    assert again.status_code == 410
    assert _count(Response) == 1
    thanks = client.get(f"/p/{code}/thanks").get_data(as_text=True)
    assert "your answers are in" in thanks


def test_claiming_a_personal_link_twice_fails_the_second_time(
    world: World, campaign: Campaign
) -> None:
    code = make_personal_link(campaign, world.team)
    link_id = db.session.scalar(select(PersonalLink.id).where(PersonalLink.code == code))
    assert link_id is not None
    claim_personal_link(link_id, utcnow().date())
    with pytest.raises(LinkAlreadyUsed):
        claim_personal_link(link_id, utcnow().date())


def test_two_submissions_racing_on_one_personal_link_store_one(
    app: Flask, world: World, campaign: Campaign
) -> None:
    code = make_personal_link(campaign, world.team)
    start = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def phone() -> None:
        try:
            client = app.test_client()
            start.wait(timeout=10)
            statuses.append(client.post(f"/p/{code}", data=FULL).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=phone) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(statuses) == [302, 410]
    db.session.expire_all()
    assert _count(Response) == 1
    assert db.session.scalar(select(func.sum(ResponseTally.responses))) == 1


def test_a_team_link_notes_an_answer_but_takes_another(
    client: FlaskClient, code: str, survey: Survey, world: World, campaign: Campaign
) -> None:
    assert client.post(f"/p/{code}", data=FULL).status_code == 302
    cookie = client.get_cookie(answered_cookie(campaign.id), path=f"/p/{code}")
    assert cookie is not None and cookie.value == "1"
    page = client.get(f"/p/{code}").get_data(as_text=True)
    assert "This device has already answered this pulse" in page
    assert client.post(f"/p/{code}", data=FULL).status_code == 302  # a shared device
    assert _count(Response) == 2

    # The next campaign starts fresh for the same browser.
    campaign.closes_at = utcnow() - timedelta(minutes=1)
    campaign.opens_at = campaign.closes_at - timedelta(days=7)
    db.session.commit()
    make_campaign(survey, [world.team], utcnow() - timedelta(minutes=1))
    page = client.get(f"/p/{code}").get_data(as_text=True)
    assert "already answered" not in page and "Send my answers" in page


def test_a_closed_campaign_gets_a_friendly_page_and_stores_nothing(
    client: FlaskClient, code: str, campaign: Campaign
) -> None:
    campaign.opens_at = utcnow() - timedelta(days=10)
    campaign.closes_at = utcnow() - timedelta(days=3)
    db.session.commit()
    response = client.get(f"/p/{code}")
    assert response.status_code == 200
    assert "No pulse is open right now" in response.get_data(as_text=True)
    posted = client.post(f"/p/{code}", data=FULL)
    assert posted.status_code == 200
    assert _count(Response) == 0


def test_a_closed_personal_link_is_gone(
    client: FlaskClient, world: World, campaign: Campaign
) -> None:
    code = make_personal_link(campaign, world.team)
    campaign.closes_at = utcnow() - timedelta(hours=1)
    campaign.opens_at = campaign.closes_at - timedelta(days=7)
    db.session.commit()
    response = client.get(f"/p/{code}")
    assert response.status_code == 410
    assert "This campaign closed on" in response.get_data(as_text=True)


def test_a_campaign_not_open_yet_says_when(
    client: FlaskClient, code: str, campaign: Campaign
) -> None:
    campaign.opens_at = utcnow() + timedelta(days=2)
    campaign.closes_at = campaign.opens_at + timedelta(days=7)
    db.session.commit()
    response = client.get(f"/p/{code}")
    assert response.status_code == 200
    assert "opens on" in response.get_data(as_text=True)
    assert client.post(f"/p/{code}", data=FULL).status_code == 200
    assert _count(Response) == 0


@pytest.mark.parametrize("code", ["nope", "x" * 41, "a.b", "%00", "ab%20cd"])
def test_an_unknown_link_gets_a_friendly_404(client: FlaskClient, world: World, code: str) -> None:
    for response in (client.get(f"/p/{code}"), client.post(f"/p/{code}", data=FULL)):
        assert response.status_code == 404
        assert "This link does not work" in response.get_data(as_text=True)
    assert client.get(f"/p/{code}/thanks").status_code == 404


def test_thanks_page_shows_you_said_we_did_for_the_team(
    client: FlaskClient, code: str, survey: Survey, world: World
) -> None:
    other = builders.make_team(world.organization, "Sales")
    now = utcnow()
    for team_id, said, age in [
        (world.team.id, "Too many clicks to log a call", 3),
        (None, "We do not know why we change", 2),
        (other.id, "Sales only", 1),
        (world.team.id, "Training came too late", 0),
    ]:
        db.session.add(
            SurveyAction(
                survey_id=survey.id,
                team_id=team_id,
                you_said=said,
                we_did="Done something.",
                created_at=now - timedelta(days=age),
            )
        )
    db.session.commit()
    page = client.get(f"/p/{code}/thanks").get_data(as_text=True)
    shown = re.findall(r"You said</span> (.*?)</p>", page)
    assert shown == [
        "Training came too late",
        "We do not know why we change",
        "Too many clicks to log a call",
    ]


def test_the_answering_page_never_shows_results(
    client: FlaskClient, code: str, campaign: Campaign
) -> None:
    for _ in range(6):
        client.post(f"/p/{code}", data=FULL)
    page = client.get(f"/p/{code}").get_data(as_text=True)
    assert "favourable" not in page.lower() and "responses" not in page.lower()
    assert "eNPS" not in page
