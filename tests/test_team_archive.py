"""Deleting a team never deletes answers: a team with history is archived, and can come back."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.services import metrics, organizations, surveys
from app.services.errors import ServiceError
from app.services.surveys import Schedule
from models import (
    Answer,
    AnswerTally,
    Base,
    Campaign,
    CampaignTeam,
    Initiative,
    Metric,
    Observation,
    PersonalLink,
    Response,
    ResponseTally,
    Survey,
    SurveyAction,
    Team,
    TeamLink,
    db,
)
from models.base import utcnow
from tests import builders
from tests.builders import (
    api_headers,
    login,
    make_campaign,
    make_personal_link,
    make_survey,
    team_code,
)
from tests.conftest import World

DIMENSIONS = ["resistance_unknown", "recommend", "comment"]
ANSWER = {"item-resistance_unknown_1": "4", "item-resistance_unknown_2": "2", "item-recommend": "9"}
ARCHIVE_SENTENCE = (
    "This team has survey history, so it will be archived: "
    "hidden from new campaigns, kept in past results"
)
DELETE_SENTENCE = "This team has no history and will be deleted"


def page_text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(model: type[Base]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def fresh(team: Team) -> Team | None:
    """The team as the database has it now (None once deleted)."""
    db.session.expire_all()
    return db.session.get(Team, team.id)


def archive(initiative: Initiative, team: Team) -> None:
    """Archive a team through the service, after giving it the history that requires it."""
    make_campaign(make_survey(initiative), [team])
    organizations.remove_team(team, organizations.SubTeams.MOVE_UP)
    db.session.commit()
    assert team.archived_at is not None


@pytest.fixture
def survey(world: World) -> Survey:
    return make_survey(world.initiative, DIMENSIONS)


def answered(client: FlaskClient, survey: Survey, team: Team) -> Campaign:
    """A campaign for ``team`` with one answer, given through the real pulse page."""
    campaign = make_campaign(survey, [team])
    response = client.post(f"/p/{team_code(survey, team)}", data=ANSWER)
    assert response.status_code == 302
    return campaign


# --- The history rule --------------------------------------------------------------------


def test_a_team_with_answers_is_archived_and_keeps_every_answer(
    client: FlaskClient, world: World, survey: Survey
) -> None:
    answered(client, survey, world.team)
    kept = {model: count(model) for model in (Response, Answer, ResponseTally, AnswerTally)}
    kept.update({CampaignTeam: count(CampaignTeam), TeamLink: count(TeamLink)})
    assert all(kept.values()), kept
    login(client, world.consultant)

    edit = page_text(client.get(f"/teams/{world.team.id}/edit"))
    assert "Archive this team" in edit and ARCHIVE_SENTENCE in edit
    confirm = page_text(client.get(f"/teams/{world.team.id}/delete"))
    assert ARCHIVE_SENTENCE in confirm
    assert ">Archive Claims</button>" in confirm
    response = client.post(f"/teams/{world.team.id}/delete")

    assert response.status_code == 302
    listing = page_text(client.get(response.headers["Location"]))
    assert "Team “Claims” archived: hidden from new campaigns, kept in past results." in listing
    team = fresh(world.team)
    assert team is not None and team.archived_at is not None
    assert {model: count(model) for model in kept} == kept


def test_a_team_with_no_history_is_deleted(client: FlaskClient, world: World) -> None:
    service = builders.make_team(world.organization, "Service")
    db.session.commit()
    login(client, world.consultant)

    confirm = page_text(client.get(f"/teams/{service.id}/delete"))
    assert DELETE_SENTENCE in confirm and ">Delete Service</button>" in confirm
    response = client.post(f"/teams/{service.id}/delete")

    assert response.status_code == 302
    assert "Team “Service” deleted." in page_text(client.get(response.headers["Location"]))
    assert fresh(service) is None


def _campaign(world: World, team: Team) -> None:
    make_campaign(make_survey(world.initiative), [team])


def _team_link(world: World, team: Team) -> None:
    team_code(make_survey(world.initiative), team)


def _personal_link(world: World, team: Team) -> None:
    other = builders.make_team(world.organization, "Asked")
    make_personal_link(make_campaign(make_survey(world.initiative), [other]), team)


def _observation(world: World, team: Team) -> None:
    metric = metrics.ensure_catalogue(world.initiative)[0]
    db.session.add(
        Observation(metric_id=metric.id, team_id=team.id, period=date(2026, 5, 4), value=1)
    )
    db.session.commit()


def _survey_action(world: World, team: Team) -> None:
    survey = make_survey(world.initiative)
    db.session.add(SurveyAction(survey_id=survey.id, team_id=team.id, you_said="x", we_did="y"))
    db.session.commit()


@pytest.mark.parametrize(
    "make_history",
    [_campaign, _team_link, _personal_link, _observation, _survey_action],
    ids=["campaign", "team-link", "personal-link", "metric-observation", "you-said-we-did"],
)
def test_each_kind_of_history_makes_a_team_archived_not_deleted(
    world: World, make_history: Callable[[World, Team], None]
) -> None:
    quiet = builders.make_team(world.organization, "Quiet")
    db.session.commit()
    make_history(world, world.team)

    assert organizations.teams_with_history([world.team.id, quiet.id]) == {world.team.id}
    assert organizations.removal_plan(world.team).archive
    assert not organizations.removal_plan(quiet).archive


# --- Parents: what happens to the sub-teams is asked, never assumed ----------------------


@pytest.fixture
def family(world: World, survey: Survey, client: FlaskClient) -> dict[str, Team]:
    """Head > Claims (answered) > {North (answered) > North East, South}; Head stays."""
    head = builders.make_team(world.organization, "Head")
    world.team.parent_id = head.id
    north = builders.make_team(world.organization, "North", parent_id=world.team.id)
    east = builders.make_team(world.organization, "North East", parent_id=north.id)
    south = builders.make_team(world.organization, "South", parent_id=world.team.id)
    db.session.commit()
    answered(client, survey, world.team)
    answered(client, make_survey(world.initiative, DIMENSIONS), north)
    login(client, world.consultant)
    return {"head": head, "claims": world.team, "north": north, "east": east, "south": south}


def test_a_parent_asks_what_happens_to_its_sub_teams(
    client: FlaskClient, family: dict[str, Team]
) -> None:
    claims = family["claims"]

    page = page_text(client.get(f"/teams/{claims.id}/delete"))
    assert "It has 2 sub-teams (North, South). What happens to them?" in page
    assert "Move them up to “Head”" in page
    assert "North: archived (it has survey history)" in page
    assert "North East: deleted (no history)" in page
    assert "South: deleted (no history)" in page

    response = client.post(f"/teams/{claims.id}/delete", data={})
    assert response.status_code == 422
    assert "Choose what happens to its sub-teams" in page_text(response)
    assert all(fresh(team) is not None for team in family.values())
    assert fresh(claims).archived_at is None  # type: ignore[union-attr]
    assert fresh(family["north"]).parent_id == claims.id  # type: ignore[union-attr]


def test_moving_sub_teams_up_puts_them_under_the_parents_own_parent(
    client: FlaskClient, family: dict[str, Team]
) -> None:
    claims, head = family["claims"], family["head"]

    response = client.post(f"/teams/{claims.id}/delete", data={"children": "move_up"})

    assert response.status_code == 302
    message = page_text(client.get(response.headers["Location"]))
    assert "Its sub-teams moved up to “Head”: “North”, “South”." in message
    assert fresh(claims).archived_at is not None  # type: ignore[union-attr]
    for name in ("north", "south"):
        moved = fresh(family[name])
        assert moved is not None and moved.parent_id == head.id and moved.archived_at is None
    assert fresh(family["east"]).parent_id == family["north"].id  # type: ignore[union-attr]


def test_removing_sub_teams_with_it_archives_or_deletes_each_by_the_rule(
    client: FlaskClient, family: dict[str, Team]
) -> None:
    claims = family["claims"]
    answers = count(Answer)

    response = client.post(f"/teams/{claims.id}/delete", data={"children": "with_it"})

    assert response.status_code == 302
    message = page_text(client.get(response.headers["Location"]))
    assert "Archived with it: “North”. Deleted with it: “North East”, “South”." in message
    assert fresh(claims).archived_at is not None  # type: ignore[union-attr]
    north = fresh(family["north"])
    assert north is not None and north.archived_at is not None and north.parent_id == claims.id
    assert fresh(family["east"]) is None and fresh(family["south"]) is None
    assert fresh(family["head"]).archived_at is None  # type: ignore[union-attr]
    assert count(Answer) == answers


def test_an_archived_team_under_a_deleted_parent_moves_up_rather_than_loose(
    world: World,
) -> None:
    """No ON DELETE SET NULL surprise: it goes to the nearest ancestor that stays."""
    archive(world.initiative, world.team)  # its campaign's tree has it at the top
    head = builders.make_team(world.organization, "Head")
    middle = builders.make_team(world.organization, "Middle", parent_id=head.id)
    world.team.parent_id = middle.id
    db.session.commit()

    removal = organizations.remove_team(middle, None)  # no active sub-teams: no choice needed
    db.session.commit()

    assert removal.deleted == ["Middle"]
    kept = fresh(world.team)
    assert kept is not None and kept.archived_at is not None and kept.parent_id == head.id


# --- Archived teams are out of sight, and come back --------------------------------------


def test_archived_teams_are_hidden_from_the_list_until_asked_for(
    client: FlaskClient, world: World
) -> None:
    builders.make_team(world.organization, "Service")
    db.session.commit()
    archive(world.initiative, world.team)
    login(client, world.consultant)

    listing = page_text(client.get(f"/orgs/{world.organization.id}/teams"))
    assert '<th scope="row">Service</th>' in listing
    assert '<th scope="row">Claims</th>' not in listing
    assert "Show archived teams (1)" in listing
    assert f'value="{world.team.id}">Claims<' not in listing, "no archived parent is offered"

    shown = page_text(client.get(f"/orgs/{world.organization.id}/teams?archived=1"))
    assert '<th scope="row">Claims</th>' in shown
    assert f'action="/teams/{world.team.id}/restore"' in shown
    assert "Restore<span" in shown


def test_archived_teams_are_not_offered_for_new_campaigns(
    client: FlaskClient, world: World
) -> None:
    service = builders.make_team(world.organization, "Service")
    db.session.commit()
    archive(world.initiative, world.team)
    survey = make_survey(world.initiative)
    login(client, world.consultant)

    page = page_text(client.get(f"/surveys/{survey.id}/campaigns/new"))
    assert "Service" in page and "Claims" not in page
    today = utcnow().date()
    with pytest.raises(ServiceError) as error:
        surveys.schedule_campaign(
            survey, Schedule(today, today, [world.team.id, service.id]), utcnow()
        )
    assert "team_ids" in error.value.problems


def test_archived_teams_are_left_out_of_the_api_list(client: FlaskClient, world: World) -> None:
    service = builders.make_team(world.organization, "Service")
    db.session.commit()
    archive(world.initiative, world.team)
    headers = api_headers(world.executive)

    response = client.get(
        f"/api/v1/initiatives/{world.initiative.id}/teams",
        headers=headers,
    )

    assert response.status_code == 200
    assert response.json == {
        "items": [{"id": service.id, "name": "Service", "parent_id": None, "headcount": 12}]
    }


def test_a_paste_naming_an_archived_team_saves_nothing(client: FlaskClient, world: World) -> None:
    archive(world.initiative, world.team)
    login(client, world.consultant)
    before = count(Team)

    response = client.post(
        f"/orgs/{world.organization.id}/teams/import",
        data={"import-lines": "claims, 4\nClaims North, 3, Claims\nService, 5"},
    )

    assert response.status_code == 422
    page = page_text(response)
    assert "Line 1: An archived team is called 'Claims': restore it or choose another name." in page
    assert "Line 2: Parent team 'Claims' is archived: restore it first." in page
    assert count(Team) == before


def test_a_roster_line_naming_an_archived_team_says_it_is_archived(world: World) -> None:
    service = builders.make_team(world.organization, "Service")
    db.session.commit()
    campaign = make_campaign(make_survey(world.initiative), [world.team, service])
    organizations.remove_team(world.team, None)
    db.session.commit()

    result, errors = surveys.import_personal_links(
        campaign, b"email,team\nana@acme.example,Claims\nbo@acme.example,Service\n", utcnow()
    )

    assert [(error.line, error.message) for error in errors] == [
        (2, "Team “Claims” is archived: restore it under Teams to send it links.")
    ]
    assert count(PersonalLink) == 0


def test_metric_history_of_an_archived_team_keeps_its_name(world: World) -> None:
    _observation(world, world.team)
    organizations.remove_team(world.team, None)
    db.session.commit()
    metric = db.session.scalars(select(Metric).order_by(Metric.id)).first()
    assert metric is not None

    assert world.team not in metrics.teams_of(world.initiative)
    series = metrics.series_by_team(world.initiative, metric)
    assert [(s.team_id, s.name) for s in series] == [(world.team.id, "Claims")]


def test_restoring_under_an_active_parent_keeps_it_there(client: FlaskClient, world: World) -> None:
    head = builders.make_team(world.organization, "Head")
    world.team.parent_id = head.id
    db.session.commit()
    archive(world.initiative, world.team)
    login(client, world.consultant)

    archived_page = page_text(client.get(f"/teams/{world.team.id}/edit"))
    assert "archived" in archived_page and "Restore Claims" in archived_page
    response = client.post(f"/teams/{world.team.id}/restore")

    assert response.status_code == 302
    assert "Team “Claims” restored under “Head”." in page_text(
        client.get(response.headers["Location"])
    )
    team = fresh(world.team)
    assert team is not None and team.archived_at is None and team.parent_id == head.id


def test_restoring_under_an_archived_parent_puts_it_at_the_top_level(
    client: FlaskClient, world: World
) -> None:
    head = builders.make_team(world.organization, "Head")
    world.team.parent_id = head.id
    db.session.commit()
    _campaign(world, head)
    _campaign(world, world.team)
    organizations.remove_team(head, organizations.SubTeams.WITH_IT)
    db.session.commit()
    login(client, world.consultant)

    response = client.post(f"/teams/{world.team.id}/restore")

    message = page_text(client.get(response.headers["Location"]))
    assert "Team “Claims” restored at the top level: its parent team “Head” is archived." in message
    team = fresh(world.team)
    assert team is not None and team.archived_at is None and team.parent_id is None
    assert fresh(head).archived_at is not None  # type: ignore[union-attr]


def test_an_archived_team_is_restored_before_it_is_changed(
    client: FlaskClient, world: World
) -> None:
    archive(world.initiative, world.team)
    login(client, world.consultant)

    response = client.post(
        f"/teams/{world.team.id}/edit", data={"name": "Renamed", "headcount": "3", "parent_id": 0}
    )

    assert response.status_code == 302
    assert "restore it before changing it" in page_text(client.get(response.headers["Location"]))
    assert fresh(world.team).name == "Claims"  # type: ignore[union-attr]


# --- Names stay taken by archived teams --------------------------------------------------


@pytest.mark.parametrize("typed", ["Claims", "claims"])
def test_a_new_team_named_like_an_archived_one_is_refused_with_the_reason(
    client: FlaskClient, world: World, typed: str
) -> None:
    archive(world.initiative, world.team)
    login(client, world.consultant)
    before = count(Team)

    response = client.post(
        f"/orgs/{world.organization.id}/teams",
        data={"team-name": typed, "team-headcount": "4", "team-parent_id": "0"},
    )

    assert response.status_code == 422
    assert f'value="{typed}"' in page_text(response), "what was typed is kept"
    assert "An archived team is called 'Claims': restore it or choose another name." in page_text(
        response
    )
    assert count(Team) == before


def test_renaming_a_team_to_an_archived_ones_name_is_refused_with_the_reason(
    client: FlaskClient, world: World
) -> None:
    service = builders.make_team(world.organization, "Service")
    db.session.commit()
    archive(world.initiative, world.team)
    login(client, world.consultant)

    response = client.post(
        f"/teams/{service.id}/edit", data={"name": "Claims", "headcount": "4", "parent_id": 0}
    )

    assert response.status_code == 422
    assert "An archived team is called 'Claims': restore it or choose another name." in page_text(
        response
    )
    assert fresh(service).name == "Service"  # type: ignore[union-attr]


def test_a_parent_in_a_campaigns_frozen_tree_is_archived_not_deleted(world: World) -> None:
    """Never asked itself, but its campaign will publish figures under it."""
    head = builders.make_team(world.organization, "Head")
    world.team.parent_id = head.id
    db.session.commit()
    make_campaign(make_survey(world.initiative), [world.team])
    removal = organizations.remove_team(head, organizations.SubTeams.MOVE_UP)
    db.session.commit()
    assert removal.deleted == []
    kept = fresh(head)
    assert kept is not None and kept.archived_at is not None
