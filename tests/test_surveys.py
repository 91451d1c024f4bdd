"""Building pulse surveys, versions, campaigns, recurrence and personal links."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, func, select

from app.services import surveys
from app.services.errors import ServiceError
from app.services.responses import record_response
from app.services.surveys import CustomItem, Schedule
from app.services.surveys.recurrence import _claim
from models import (
    Campaign,
    CampaignTeam,
    PersonalLink,
    ResponseTally,
    Survey,
    SurveyVersion,
    Team,
    TeamLink,
    db,
)
from models.base import utcnow
from survey.instruments import AGREE5, DIMENSIONS_BY_KEY, RECOMMEND10, STARTER_PULSE
from tests import builders
from tests.builders import login, make_campaign, make_personal_link, make_survey, publish
from tests.conftest import World


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _campaigns(survey: Survey) -> list[Campaign]:
    return list(
        db.session.scalars(
            select(Campaign).where(Campaign.survey_id == survey.id).order_by(Campaign.opens_at)
        )
    )


# --- the builder --------------------------------------------------------------


def _ticked(page: str) -> set[str]:
    """Values of the ticked dimension checkboxes in a page."""
    tags = re.findall(r'<input[^>]*name="dimensions"[^>]*>', page)
    return {re.search(r'value="([a-z_0-9]+)"', tag).group(1) for tag in tags if " checked" in tag}  # type: ignore[union-attr]


def test_new_survey_page_ticks_the_starter_pulse(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    page = client.get(f"/initiatives/{world.initiative.id}/surveys/new").get_data(as_text=True)
    assert _ticked(page) == set(STARTER_PULSE)
    for family in ("Kotter", "Resistance drivers", "ADKAR", "Customer focus"):
        assert family in page
    assert "3 statements" in page  # item counts next to each dimension
    # The live count starts right: 12 agreement statements and the 0-10 question.
    assert "data-statement-count>13<" in page
    assert re.search(r"data-minute-count>2<", page)


def test_building_a_survey_makes_version_one(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    response = client.post(
        f"/initiatives/{world.initiative.id}/surveys/new",
        data={
            "title": "Fortnightly pulse",
            "intro": "Two minutes, anonymous.",
            "dimensions": ["kotter_urgency", "adoption_ease", "recommend", "comment"],
            "custom-0-text": "The CRM shows me what to do next for a customer.",
            "custom-0-scale": AGREE5,
            "custom-1-text": "",
            "custom-1-scale": AGREE5,
        },
    )
    survey = db.session.scalars(select(Survey)).one()
    assert response.headers["Location"].endswith(f"/surveys/{survey.id}/campaigns/new")
    version = surveys.latest_version(survey.id)
    assert version.number == 1
    keys = [item["key"] for item in version.items]
    assert keys == [
        "kotter_urgency_1",
        "adoption_ease_1",
        "adoption_ease_2",
        "adoption_ease_3",
        "recommend",
        "custom_1",
        "comment",
    ]
    assert survey.created_by_id == world.consultant.id


def test_a_survey_without_statements_is_refused_and_the_form_kept(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    response = client.post(
        f"/initiatives/{world.initiative.id}/surveys/new",
        data={"title": "Empty", "dimensions": ["comment"]},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved" in page
    assert "scored item" in page
    assert 'value="Empty"' in page
    assert _count(Survey) == 0


def test_editing_statements_never_changes_a_past_campaign(world: World) -> None:
    survey = make_survey(world.initiative, ["kotter_urgency", "recommend"])
    now = utcnow()
    past = make_campaign(survey, [world.team], now - timedelta(days=20), now - timedelta(days=13))
    scheduled = make_campaign(survey, [world.team], now + timedelta(days=1))
    asked_before = list(past.version.items)

    new = surveys.update_survey(
        survey, survey.title, "", ["kotter_urgency", "kotter_vision", "recommend"], [], now
    )
    db.session.commit()

    assert new is not None and new.number == 2
    db.session.refresh(past)
    db.session.refresh(scheduled)
    assert past.version.number == 1
    assert past.version.items == asked_before
    assert scheduled.version_id == new.id  # nobody answered it yet: it asks the new version
    assert _count(SurveyVersion) == 2


def test_saving_the_same_statements_makes_no_new_version(world: World) -> None:
    survey = make_survey(world.initiative)
    choice = surveys.choice_of(surveys.latest_version(survey.id))
    assert (
        surveys.update_survey(
            survey, "Renamed", "Hello", choice.dimension_keys, choice.custom, utcnow()
        )
        is None
    )
    db.session.commit()
    assert survey.title == "Renamed"
    assert _count(SurveyVersion) == 1


def test_own_statements_keep_their_keys_across_versions(world: World) -> None:
    first = CustomItem("We get enough time to learn the CRM.", AGREE5)
    second = CustomItem("How likely are you to use the mobile app?", RECOMMEND10)
    survey = make_survey(world.initiative, ["recommend"], [first, second])
    keys = {item["text"]: item["key"] for item in surveys.latest_version(survey.id).items}
    assert keys[first.text] == "custom_1" and keys[second.text] == "custom_2"

    third = CustomItem("The CRM helps me keep promises to customers.", AGREE5)
    surveys.update_survey(survey, survey.title, "", ["recommend"], [second, third], utcnow())
    db.session.commit()
    keys = {item["text"]: item["key"] for item in surveys.latest_version(survey.id).items}
    # custom_2 keeps its key although it moved up; the new statement never reuses custom_1.
    assert keys[second.text] == "custom_2"
    assert keys[third.text] == "custom_3"


@pytest.mark.parametrize("editing", [False, True])
def test_an_invalid_builder_form_answers_422_with_everything_typed(
    client: FlaskClient, world: World, editing: bool
) -> None:
    survey = make_survey(world.initiative, title="Before")
    login(client, world.consultant)
    url = (
        f"/surveys/{survey.id}/edit"
        if editing
        else f"/initiatives/{world.initiative.id}/surveys/new"
    )
    response = client.post(
        url,
        data={
            "title": "",
            "intro": "Why we ask, typed once",
            "dimensions": ["adkar_desire"],
            "custom-0-text": "A statement of our own",
            "custom-0-scale": AGREE5,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Why we ask, typed once" in page
    assert 'value="A statement of our own"' in page
    assert _ticked(page) == {"adkar_desire"}
    assert _count(Survey) == 1 and db.session.get_one(Survey, survey.id).title == "Before"


def test_edit_page_shows_the_latest_choice(client: FlaskClient, world: World) -> None:
    survey = make_survey(
        world.initiative, ["adkar_desire"], [CustomItem("My own statement.", AGREE5, True)]
    )
    login(client, world.consultant)
    page = client.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    assert 'value="My own statement."' in page
    assert _ticked(page) == {"adkar_desire"}
    assert "version 1" in page.lower()


# --- campaigns ------------------------------------------------------------------


def _schedule_form(teams: list[Team], first: date, last: date, repeat: str = "") -> dict:
    return {
        "opens_on": first.isoformat(),
        "last_day": last.isoformat(),
        "team_ids": [team.id for team in teams],
        "repeat_days": repeat,
    }


def test_scheduling_a_campaign_snapshots_headcounts(client: FlaskClient, world: World) -> None:
    survey = make_survey(world.initiative)
    second = builders.make_team(world.organization, "Sales", headcount=30)
    db.session.commit()
    login(client, world.consultant)
    today = utcnow().date()
    response = client.post(
        f"/surveys/{survey.id}/campaigns/new",
        data=_schedule_form([world.team, second], today, today + timedelta(days=6), "14"),
    )
    campaign = db.session.scalars(select(Campaign)).one()
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.id}")
    assert campaign.opens_at == datetime.combine(today, datetime.min.time(), UTC)
    assert campaign.closes_at == campaign.opens_at + timedelta(days=7)
    db.session.refresh(survey)
    assert (survey.recurrence_days, survey.campaign_days) == (14, 7)
    second.headcount = 99
    db.session.commit()
    headcounts = dict(
        db.session.execute(select(CampaignTeam.team_id, CampaignTeam.headcount)).all()
    )
    assert headcounts == {world.team.id: 12, second.id: 30}
    assert _count(TeamLink) == 2  # team links exist from the start


@pytest.mark.parametrize(
    ("first", "last", "repeat", "field", "message"),
    [
        (3, 1, None, "last_day", "before the first day"),
        (-10, -5, None, "last_day", "already be over"),
        (0, 200, None, "last_day", "at most 92 days"),
        (0, 6, 5, "repeat_days", "Repeat every 7 days or more"),
        (0, 6, 400, "repeat_days", "at most every 366 days"),
    ],
)
def test_impossible_schedules_are_refused(
    world: World, first: int, last: int, repeat: int | None, field: str, message: str
) -> None:
    survey = make_survey(world.initiative)
    today = utcnow().date()
    schedule = Schedule(
        today + timedelta(days=first), today + timedelta(days=last), [world.team.id], repeat
    )
    with pytest.raises(ServiceError) as error:
        surveys.schedule_campaign(survey, schedule, utcnow())
    assert message in error.value.problems[field]
    assert _count(Campaign) == 0


def test_a_survey_runs_one_campaign_at_a_time(world: World) -> None:
    survey = make_survey(world.initiative)
    today = utcnow().date()
    surveys.schedule_campaign(
        survey, Schedule(today, today + timedelta(days=6), [world.team.id]), utcnow()
    )
    with pytest.raises(ServiceError) as error:
        surveys.schedule_campaign(
            survey,
            Schedule(today + timedelta(days=6), today + timedelta(days=9), [world.team.id]),
            utcnow(),
        )
    assert "overlaps" in error.value.problems["opens_on"]


def test_teams_of_another_organisation_are_refused(world: World) -> None:
    survey = make_survey(world.initiative)
    today = utcnow().date()
    with pytest.raises(ServiceError) as error:
        surveys.schedule_campaign(
            survey, Schedule(today, today, [world.team.id, world.other_team.id]), utcnow()
        )
    assert "this organisation" in error.value.problems["team_ids"]


def test_schedule_form_errors_name_the_field(client: FlaskClient, world: World) -> None:
    survey = make_survey(world.initiative)
    login(client, world.consultant)
    today = utcnow().date()
    response = client.post(
        f"/surveys/{survey.id}/campaigns/new",
        data=_schedule_form([], today + timedelta(days=3), today, repeat="14"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'value="{(today + timedelta(days=3)).isoformat()}"' in page  # as typed
    assert 'value="14"' in page
    assert "Nothing was scheduled" in page
    assert "Last day: The last day is before the first day." in page
    assert "Teams asked: Choose at least one team." in page
    assert _count(Campaign) == 0


def test_survey_list_shows_status_and_response_counts(client: FlaskClient, world: World) -> None:
    survey = make_survey(world.initiative)
    now = utcnow()
    closed = make_campaign(survey, [world.team], now - timedelta(days=30), now - timedelta(days=23))
    make_campaign(survey, [world.team], now - timedelta(days=1))
    make_campaign(survey, [world.team], now + timedelta(days=13))
    db.session.add(ResponseTally(campaign_id=closed.id, team_id=world.team.id, responses=7))
    db.session.commit()
    login(client, world.executive)
    url = f"/initiatives/{world.initiative.id}/surveys"
    page = client.get(url).get_data(as_text=True)
    assert ">Closed<" in page and ">Open<" in page and ">Scheduled<" in page
    # Closed but not published yet: participation only, never the count.
    assert re.search(r'class="num">58% answered so far <span class="muted">of 12', page)
    publish(closed)
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'class="num">7 responses <span class="muted">of 12', page)
    assert "Schedule a campaign" not in page  # executives look, consultants change


def test_survey_list_queries_do_not_grow_with_campaigns(
    app: Flask, client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)

    def queries() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/initiatives/{world.initiative.id}/surveys").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    survey = make_survey(world.initiative)
    make_campaign(survey, [world.team])
    few = queries()
    for number in range(4):
        other = make_survey(world.initiative, title=f"Pulse {number}")
        for weeks in range(3):
            start = utcnow() - timedelta(weeks=2 * weeks + 3)
            make_campaign(other, [world.team, world.other_team], start)
    assert queries() == few


def test_campaign_page_has_a_qr_code_per_team_and_the_sheet_a_card_each(
    client: FlaskClient, world: World
) -> None:
    survey = make_survey(world.initiative)
    second = builders.make_team(world.organization, "Sales")
    campaign = make_campaign(survey, [world.team, second])
    login(client, world.executive)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert page.count("<svg") == 2
    assert "QR code of the pulse link for Claims" in page
    codes = set(re.findall(r'value="http://localhost/p/([A-Za-z0-9_-]{12})"', page))
    assert len(codes) == 2
    assert "Create personal links" not in page  # executives do not manage links
    sheet = client.get(f"/campaigns/{campaign.id}/qr-codes").get_data(as_text=True)
    assert sheet.count('class="pulse-card"') == 2
    assert "at least 5 people" in sheet
    # Team links are stable: the next campaign shows the same codes.
    later = make_campaign(survey, [world.team, second], utcnow() + timedelta(days=20))
    again = client.get(f"/campaigns/{later.id}").get_data(as_text=True)
    assert set(re.findall(r'value="http://localhost/p/([A-Za-z0-9_-]{12})"', again)) == codes


def test_cancelling_a_scheduled_campaign_stops_the_repetition(
    client: FlaskClient, world: World
) -> None:
    survey = make_survey(world.initiative)
    campaign = make_campaign(survey, [world.team], utcnow() + timedelta(days=3), None, 14)
    login(client, world.consultant)
    response = client.post(f"/campaigns/{campaign.id}/cancel")
    assert response.status_code == 302
    assert _count(Campaign) == 0
    db.session.refresh(survey)
    assert survey.recurrence_days is None


def test_an_open_campaign_cannot_be_cancelled(client: FlaskClient, world: World) -> None:
    survey = make_survey(world.initiative)
    campaign = make_campaign(survey, [world.team])
    login(client, world.consultant)
    client.post(f"/campaigns/{campaign.id}/cancel")
    assert _count(Campaign) == 1


# --- recurrence -------------------------------------------------------------------


def test_tick_creates_the_next_campaign_once(world: World) -> None:
    survey = make_survey(world.initiative)
    second = builders.make_team(world.organization, "Sales", headcount=20)
    now = utcnow()
    first = make_campaign(survey, [world.team, second], now - timedelta(days=1), None, 14)
    survey.campaign_days = 5
    db.session.commit()
    surveys.update_survey(survey, survey.title, "", ["recommend"], [], now)  # version 2
    db.session.commit()

    done = surveys.tick(now)
    again = surveys.tick(now)

    assert len(done) == 1 and again == []
    first, follow_up = _campaigns(survey)
    assert first.followed_up
    assert follow_up.opens_at == first.opens_at + timedelta(days=14)
    assert follow_up.closes_at == follow_up.opens_at + timedelta(days=5)
    assert follow_up.version.number == 2  # the latest version
    assert not follow_up.followed_up
    teams = dict(
        db.session.execute(
            select(CampaignTeam.team_id, CampaignTeam.headcount).where(
                CampaignTeam.campaign_id == follow_up.id
            )
        ).all()
    )
    assert teams == {world.team.id: 12, second.id: 20}  # same teams, today's headcounts
    assert f"Created campaign {follow_up.id} of “CRM pulse”" in str(done[0])


def test_tick_waits_for_the_latest_campaign_to_open(world: World) -> None:
    survey = make_survey(world.initiative)
    make_campaign(survey, [world.team], utcnow() + timedelta(hours=2), None, 14)
    assert surveys.tick(utcnow()) == []
    assert len(surveys.tick(utcnow() + timedelta(hours=3))) == 1


def test_tick_leaves_one_off_surveys_alone(world: World) -> None:
    survey = make_survey(world.initiative)
    make_campaign(survey, [world.team], utcnow() - timedelta(days=30))
    assert surveys.tick(utcnow()) == []
    assert _count(Campaign) == 1


def test_tick_after_a_pause_skips_periods_that_are_over(world: World) -> None:
    survey = make_survey(world.initiative)
    now = datetime(2026, 5, 27, 9, 30, tzinfo=UTC)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    make_campaign(survey, [world.team], start, start + timedelta(days=7), 14)

    done = surveys.tick(now)

    # Not eleven campaigns in the past: the current period's, then the next one.
    assert len(done) == 2
    _, current, upcoming = _campaigns(survey)
    assert current.opens_at <= now < current.closes_at
    assert (current.opens_at - start).days % 14 == 0
    assert upcoming.opens_at == current.opens_at + timedelta(days=14)
    assert surveys.tick(now) == []


def test_tick_gives_everyone_a_fresh_personal_link(world: World) -> None:
    survey = make_survey(world.initiative)
    first = make_campaign(survey, [world.team], utcnow() - timedelta(days=1), None, 14)
    old = {make_personal_link(first, world.team, email) for email in ("a@x.example", "b@x.example")}
    surveys.tick(utcnow())
    _, follow_up = _campaigns(survey)
    links = db.session.scalars(
        select(PersonalLink).where(PersonalLink.campaign_id == follow_up.id)
    ).all()
    assert sorted(link.email for link in links) == ["a@x.example", "b@x.example"]
    assert not {link.code for link in links} & old
    assert all(link.used_on is None for link in links)


def test_a_tick_that_lost_the_claim_creates_nothing(world: World) -> None:
    survey = make_survey(world.initiative)
    first = make_campaign(survey, [world.team], utcnow() - timedelta(days=1), None, 14)
    assert _claim(first.id) is True
    db.session.commit()
    assert _claim(first.id) is False  # another process got there first
    db.session.rollback()
    assert surveys.tick(utcnow()) == []
    assert _count(Campaign) == 1


def test_two_ticks_at_once_create_one_campaign(app: Flask, world: World) -> None:
    survey = make_survey(world.initiative)
    make_campaign(survey, [world.team], utcnow() - timedelta(days=1), None, 14)
    now = utcnow()
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def cron() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                results.append(len(surveys.tick(now)))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=cron) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(results) == [0, 1]
    assert _count(Campaign) == 2


def test_cli_tick_prints_what_it_did(runner: FlaskCliRunner, world: World) -> None:
    assert runner.invoke(args=["surveys", "tick"]).output.strip() == "nothing due"
    survey = make_survey(world.initiative)
    make_campaign(survey, [world.team], utcnow() - timedelta(days=1), None, 14)
    result = runner.invoke(args=["surveys", "tick"])
    assert result.exit_code == 0
    assert result.output.startswith("Created campaign ")
    assert len(result.output.strip().splitlines()) == 1
    assert runner.invoke(args=["surveys", "tick"]).output.strip() == "nothing due"


# --- personal links -----------------------------------------------------------------


def _upload(client: FlaskClient, campaign: Campaign, text: str | bytes):  # type: ignore[no-untyped-def]
    body = text.encode() if isinstance(text, str) else text
    return client.post(
        f"/campaigns/{campaign.id}/personal-links",
        data={"file": (io.BytesIO(body), "people.csv")},
        content_type="multipart/form-data",
    )


@pytest.fixture
def campaign(world: World) -> Campaign:
    builders.make_team(world.organization, "Sales")
    builders.make_team(world.organization, "Not asked")
    db.session.commit()
    survey = make_survey(world.initiative)
    teams = db.session.scalars(select(Team).where(Team.name.in_(["Claims", "Sales"]))).all()
    return make_campaign(survey, teams)


def test_personal_links_from_a_csv(client: FlaskClient, world: World, campaign: Campaign) -> None:
    login(client, world.consultant)
    response = _upload(
        client, campaign, "email,team\nana@acme.example,Claims\nBo@Acme.example,sales\n"
    )
    assert response.status_code == 302
    links = dict(
        db.session.execute(
            select(PersonalLink.email, Team.name).join(Team, Team.id == PersonalLink.team_id)
        ).all()
    )
    assert links == {"ana@acme.example": "Claims", "Bo@acme.example": "Sales"}
    # The same file again: everyone keeps the link they have.
    again = _upload(client, campaign, "email,team\nana@acme.example,Claims\n")
    assert again.status_code == 302
    assert _count(PersonalLink) == 2
    assert "1 already had one" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)


def test_a_malformed_csv_names_every_bad_line_and_imports_nothing(
    client: FlaskClient, world: World, campaign: Campaign
) -> None:
    login(client, world.consultant)
    lines = [
        "email,team",
        "ana@acme.example,Claims",
        "not-an-email,Claims",
        "bo@acme.example,Marketing",
        "ANA@acme.example,Sales",
        "cy@acme.example,Not asked",
        "dee@acme.example",
        "",
        "ed@acme.example,Sales",
    ]
    response = _upload(client, campaign, "\n".join(lines) + "\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = re.findall(r"<li>Line (\d+): (.*?)</li>", page)
    assert [int(line) for line, _ in errors] == [3, 4, 5, 6, 7]
    messages = dict(errors)
    assert "not a valid email" in messages["3"]
    assert "no team called “Marketing”" in messages["4"]
    assert "already on line 2" in messages["5"]
    assert "not asked in this campaign" in messages["6"]
    assert "Write an email address and a team name" in messages["7"]
    assert "Nothing was imported" in page
    assert _count(PersonalLink) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ana@acme.example,Claims\n", "Line 1: The first line must be the header"),
        ("email,team\n", "Line 2: There is nobody below the header."),
        (b"email,team\n\xff\xfe,Claims\n", "Line 1: The file is not UTF-8 text"),
    ],
)
def test_a_csv_without_header_or_people_is_refused(
    client: FlaskClient, world: World, campaign: Campaign, text: str | bytes, message: str
) -> None:
    login(client, world.consultant)
    page = _upload(client, campaign, text).get_data(as_text=True)
    assert message in page
    assert _count(PersonalLink) == 0


def test_spreadsheet_csv_with_bom_semicolons_and_extra_columns(
    world: World, campaign: Campaign
) -> None:
    text = "\ufeffName;Team;Email\nAna;Claims;ana@acme.example\n"
    result, errors = surveys.import_personal_links(campaign, text.encode(), utcnow())
    assert errors == [] and result.created == 1


def test_a_closed_campaign_takes_no_more_personal_links(world: World) -> None:
    survey = make_survey(world.initiative)
    closed = make_campaign(survey, [world.team], utcnow() - timedelta(days=20))
    with pytest.raises(ServiceError):
        surveys.import_personal_links(closed, b"email,team\na@x.example,Claims\n", utcnow())


def test_unused_links_csv_lists_only_links_not_used(
    client: FlaskClient, world: World, campaign: Campaign
) -> None:
    used = make_personal_link(campaign, world.team, "used@acme.example")
    waiting = make_personal_link(campaign, world.team, "waiting@acme.example")
    db.session.execute(
        PersonalLink.__table__.update()
        .where(PersonalLink.code == used)
        .values(used_on=utcnow().date())
    )
    db.session.commit()
    login(client, world.consultant)
    response = client.get(f"/campaigns/{campaign.id}/personal-links.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["email", "team", "link"],
        ["waiting@acme.example", "Claims", f"http://localhost/p/{waiting}"],
    ]


def test_unused_links_csv_cells_never_run_as_formulas(world: World) -> None:
    team = builders.make_team(world.organization, "=HYPERLINK(1)")
    survey = make_survey(world.initiative)
    campaign = make_campaign(survey, [team])
    make_personal_link(campaign, team, "x@acme.example")
    text = surveys.unused_links_csv(campaign, lambda code: f"https://s.example/p/{code}", utcnow())
    assert "'=HYPERLINK(1)" in text


def test_dimension_labels_come_from_the_library(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    page = client.get(f"/initiatives/{world.initiative.id}/surveys/new").get_data(as_text=True)
    for dimension in DIMENSIONS_BY_KEY.values():
        assert f'value="{dimension.key}"' in page


def test_campaign_pages_never_give_an_exact_count_below_the_threshold(
    client: FlaskClient, world: World
) -> None:
    survey = make_survey(world.initiative)
    big = builders.make_team(world.organization, "Sales")
    campaign = make_campaign(survey, [world.team, big])
    for _ in range(3):
        record_response(campaign.id, world.team.id, {}, None, date.today())
    for _ in range(7):
        record_response(campaign.id, big.id, {}, None, date.today())
    db.session.commit()
    login(client, world.consultant)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    # Open: bands only (3 of 12 and 7 of 12), never a count.
    assert "Under 30% answered so far · 12 people asked" in page
    assert "30–60% answered so far · 12 people asked" in page
    assert "3 responses" not in page and "7 responses" not in page
    # Published: the small team's 3 would give the other's 7 away from the whole's 10.
    publish(campaign)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Fewer than 5 responses · 12 people asked" in page
    assert "Hidden so that a smaller group cannot be worked out · 12 people asked" in page
    assert "3 responses" not in page and "7 responses" not in page
