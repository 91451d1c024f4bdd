"""A consultant sets up an organisation: its initiatives, its teams and who may see them."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from models import Base, Initiative, Invitation, Membership, Role, Team, db
from tests import builders
from tests.builders import login
from tests.conftest import World


def page_text(response: TestResponse) -> str:
    """The page as a person reads it: entities such as &#39; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def count(model: type[Base]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def team_named(world: World, name: str) -> Team | None:
    return db.session.scalar(
        select(Team).where(Team.organization_id == world.organization.id, Team.name == name)
    )


# --- Initiatives -------------------------------------------------------------------------

GOOD_INITIATIVE = {
    "name": "Customer 360 rollout",
    "crm_product": "Dynamics 365",
    "start_date": "2026-03-02",
    "go_live_date": "2026-06-01",
    "licensed_seats": "150",
}


def test_new_initiative_appears_on_the_organisation_page(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    response = client.post(f"/orgs/{world.organization.id}/initiatives/new", data=GOOD_INITIATIVE)
    assert response.status_code == 302

    created = db.session.scalar(
        select(Initiative).where(Initiative.name == GOOD_INITIATIVE["name"])
    )
    assert created is not None
    assert created.organization_id == world.organization.id
    assert created.start_date == date(2026, 3, 2)
    assert created.go_live_date == date(2026, 6, 1)
    assert created.licensed_seats == 150
    assert response.headers["Location"] == f"/initiatives/{created.id}"

    page = page_text(client.get(f"/orgs/{world.organization.id}"))
    assert "Customer 360 rollout" in page
    assert "Dynamics 365" in page
    assert "150 licensed seats" in page


# field, what the user typed, what the page must say
BAD_INITIATIVES = [
    pytest.param("name", "", "This field is required.", id="empty-name"),
    pytest.param("name", "   ", "This field is required.", id="blank-name"),
    pytest.param("start_date", "2026-02-31", "Enter a valid date.", id="impossible-start-date"),
    pytest.param("start_date", "", "Enter a valid date.", id="missing-start-date"),
    pytest.param(
        "go_live_date",
        "2026-01-15",
        "Go-live cannot be before the start date.",
        id="go-live-before-start",
    ),
    pytest.param("go_live_date", "2026-06-31", "Not a valid date", id="impossible-go-live"),
    pytest.param("licensed_seats", "0", "Number must be between 1", id="zero-seats"),
    pytest.param("licensed_seats", "-4", "Number must be between 1", id="negative-seats"),
    pytest.param("licensed_seats", "abc", "Not a valid integer", id="seats-not-a-number"),
    pytest.param("licensed_seats", "", "Enter a whole number.", id="missing-seats"),
    pytest.param(
        "name",
        "acme crm",
        "This organisation already has an initiative with that name.",
        id="duplicate-name-other-case",
    ),
]


@pytest.mark.parametrize(("field", "typed", "message"), BAD_INITIATIVES)
def test_bad_initiative_is_refused_with_the_problem_named_and_the_input_kept(
    client: FlaskClient, world: World, field: str, typed: str, message: str
) -> None:
    login(client, world.consultant)
    before = count(Initiative)
    data = {**GOOD_INITIATIVE, field: typed}

    response = client.post(f"/orgs/{world.organization.id}/initiatives/new", data=data)

    page = page_text(response)
    assert response.status_code == 422
    assert message in page
    assert "Please correct" in page
    for value in data.values():
        if value.strip():
            assert f'value="{value}"' in page, f"{value!r} typed by the user was lost"
    assert count(Initiative) == before


def test_initiative_names_need_only_be_unique_within_an_organisation(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    data = {**GOOD_INITIATIVE, "name": world.other_initiative.name}
    response = client.post(f"/orgs/{world.organization.id}/initiatives/new", data=data)
    assert response.status_code == 302


def test_editing_an_initiative_saves_the_changes(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    data = {**GOOD_INITIATIVE, "name": "Acme CRM phase 2", "licensed_seats": "240"}

    response = client.post(f"/initiatives/{world.initiative.id}/edit", data=data)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/initiatives/{world.initiative.id}"
    page = page_text(client.get(response.headers["Location"]))
    assert "Initiative saved." in page
    assert "Acme CRM phase 2" in page
    assert "240" in page
    assert count(Initiative) == 2, "editing does not create another initiative"


def test_an_initiative_keeps_its_own_name_when_edited(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    data = {**GOOD_INITIATIVE, "name": "Acme CRM", "go_live_date": ""}
    response = client.post(f"/initiatives/{world.initiative.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(world.initiative)
    assert world.initiative.go_live_date is None


def test_editing_an_initiative_to_a_sibling_name_is_refused(
    client: FlaskClient, world: World
) -> None:
    builders.make_initiative(world.organization, name="Acme Service Cloud")
    db.session.commit()
    login(client, world.consultant)
    data = {**GOOD_INITIATIVE, "name": "Acme Service Cloud"}

    response = client.post(f"/initiatives/{world.initiative.id}/edit", data=data)

    assert response.status_code == 422
    assert "already has an initiative with that name" in page_text(response)
    assert 'value="Acme Service Cloud"' in page_text(response), "what was typed is kept"
    db.session.refresh(world.initiative)
    assert world.initiative.name == "Acme CRM"


def test_editing_an_initiative_with_go_live_before_start_changes_nothing(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    data = {**GOOD_INITIATIVE, "name": "Renamed", "go_live_date": "2025-12-01"}

    response = client.post(f"/initiatives/{world.initiative.id}/edit", data=data)

    assert response.status_code == 422
    assert "Go-live cannot be before the start date." in page_text(response)
    assert 'value="Renamed"' in page_text(response), "what was typed is kept"
    db.session.refresh(world.initiative)
    assert world.initiative.name == "Acme CRM"
    assert world.initiative.go_live_date == date(2026, 6, 1)


# --- Teams, one at a time ----------------------------------------------------------------


def test_adding_a_team_under_a_parent(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    response = client.post(
        f"/orgs/{world.organization.id}/teams",
        data={"team-name": "Claims North", "team-headcount": "8", "team-parent_id": world.team.id},
    )
    assert response.status_code == 302

    team = team_named(world, "Claims North")
    assert team is not None
    assert (team.headcount, team.parent_id) == (8, world.team.id)
    page = page_text(client.get(response.headers["Location"]))
    assert "Team “Claims North” added." in page
    assert '<th scope="row">Claims North</th>\n      <td>Claims</td>' in page


# field, what the user typed, what the page must say
BAD_TEAMS = [
    pytest.param("team-name", "", "This field is required.", id="empty-name"),
    pytest.param("team-name", "claims", "A team called 'claims' already exists.", id="duplicate"),
    pytest.param("team-headcount", "-3", "Number must be between 0", id="negative-headcount"),
    pytest.param("team-headcount", "many", "Not a valid integer", id="headcount-not-a-number"),
    pytest.param("team-parent_id", "999999", "Not a valid choice", id="unknown-parent"),
]


@pytest.mark.parametrize(("field", "typed", "message"), BAD_TEAMS)
def test_bad_team_is_refused_with_the_problem_named(
    client: FlaskClient, world: World, field: str, typed: str, message: str
) -> None:
    login(client, world.consultant)
    before = count(Team)
    data = {"team-name": "Claims South", "team-headcount": "11", "team-parent_id": "0"}
    data[field] = typed

    response = client.post(f"/orgs/{world.organization.id}/teams", data=data)

    page = page_text(response)
    assert response.status_code == 422
    assert message in page
    for name in ("team-name", "team-headcount"):
        if data[name]:
            assert f'value="{data[name]}"' in page, f"{data[name]!r} typed by the user was lost"
    assert count(Team) == before


def test_a_parent_team_from_another_organisation_is_refused(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    before = count(Team)
    response = client.post(
        f"/orgs/{world.organization.id}/teams",
        data={
            "team-name": "Claims South",
            "team-headcount": "11",
            "team-parent_id": world.other_team.id,
        },
    )
    assert response.status_code == 422
    assert "Not a valid choice" in page_text(response)
    assert "Retail" not in page_text(response), "another organisation's team is never offered"
    assert count(Team) == before


@pytest.mark.parametrize("new_parent", ["Claims North", "Claims North East"])
def test_a_team_cannot_be_put_inside_its_own_sub_team(
    client: FlaskClient, world: World, new_parent: str
) -> None:
    north = builders.make_team(world.organization, "Claims North", parent_id=world.team.id)
    builders.make_team(world.organization, "Claims North East", parent_id=north.id)
    db.session.commit()
    parent = team_named(world, new_parent)
    assert parent is not None
    login(client, world.consultant)

    response = client.post(
        f"/teams/{world.team.id}/edit",
        data={"name": "Claims", "headcount": "12", "parent_id": parent.id},
    )

    assert response.status_code == 422
    assert "A team cannot sit inside itself or one of its own sub-teams." in page_text(response)
    db.session.expire_all()
    assert team_named(world, "Claims").parent_id is None  # type: ignore[union-attr]


def test_renaming_a_team_to_another_teams_name_is_refused(
    client: FlaskClient, world: World
) -> None:
    builders.make_team(world.organization, "Service")
    db.session.commit()
    login(client, world.consultant)

    response = client.post(
        f"/teams/{world.team.id}/edit", data={"name": "SERVICE", "headcount": "12", "parent_id": 0}
    )

    assert response.status_code == 422
    assert "A team called 'SERVICE' already exists." in page_text(response)
    assert 'value="SERVICE"' in page_text(response), "what was typed is kept"
    db.session.expire_all()
    assert db.session.get(Team, world.team.id).name == "Claims"  # type: ignore[union-attr]


def test_editing_a_team_moves_and_renames_it(client: FlaskClient, world: World) -> None:
    service = builders.make_team(world.organization, "Service")
    db.session.commit()
    login(client, world.consultant)

    response = client.post(
        f"/teams/{world.team.id}/edit",
        data={"name": "Claims Service", "headcount": "30", "parent_id": service.id},
    )

    assert response.status_code == 302
    db.session.expire_all()
    team = db.session.get(Team, world.team.id)
    assert team is not None
    assert (team.name, team.headcount, team.parent_id) == ("Claims Service", 30, service.id)


def test_deleting_a_parent_without_saying_what_happens_to_its_sub_teams_changes_nothing(
    client: FlaskClient, world: World
) -> None:
    north = builders.make_team(world.organization, "Claims North", parent_id=world.team.id)
    db.session.commit()
    login(client, world.consultant)

    response = client.post(f"/teams/{world.team.id}/delete")

    assert response.status_code == 422
    assert "Choose what happens to its sub-teams" in page_text(response)
    db.session.expire_all()
    assert db.session.get(Team, world.team.id) is not None
    assert db.session.get(Team, north.id).parent_id == world.team.id  # type: ignore[union-attr]


def test_deleting_a_team_can_move_its_sub_teams_to_the_top_level(
    client: FlaskClient, world: World
) -> None:
    north = builders.make_team(world.organization, "Claims North", parent_id=world.team.id)
    db.session.commit()
    login(client, world.consultant)

    response = client.post(f"/teams/{world.team.id}/delete", data={"children": "move_up"})

    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "Team “Claims” deleted. Its sub-teams moved up to the top level: “Claims North”." in page
    db.session.expire_all()
    assert db.session.get(Team, world.team.id) is None
    assert db.session.get(Team, north.id).parent_id is None  # type: ignore[union-attr]
    assert db.session.get(Team, world.other_team.id) is not None


# --- Teams pasted from a spreadsheet -----------------------------------------------------


def test_pasting_teams_creates_them_with_their_parents(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    lines = (
        "Name, Headcount, Parent\n"
        "Sales North\t45\tSales\n"  # a parent further down the paste
        "Sales, 120\n"
        "\n"
        "Sales South, 40, Sales\n"
        "Claims Web, 5, claims\n"  # an existing team, in any case
    )

    response = client.post(
        f"/orgs/{world.organization.id}/teams/import", data={"import-lines": lines}
    )

    assert response.status_code == 302
    assert "4 teams saved." in page_text(client.get(response.headers["Location"]))
    sales = team_named(world, "Sales")
    assert sales is not None and (sales.headcount, sales.parent_id) == (120, None)
    for name, headcount, parent_id in [
        ("Sales North", 45, sales.id),
        ("Sales South", 40, sales.id),
        ("Claims Web", 5, world.team.id),
    ]:
        team = team_named(world, name)
        assert team is not None, name
        assert (team.headcount, team.parent_id) == (headcount, parent_id)
    assert team_named(world, "Name") is None, "the header line is not a team"
    assert count(Team) == 2 + 4


# what was pasted, the lines that must be named, a message that must be shown
BAD_PASTES = [
    pytest.param("Sales, 120\nSales North, many, Sales", [2], "'many' is not a whole", id="nan"),
    pytest.param("Sales, -5", [1], "'-5' is not a whole number", id="negative"),
    pytest.param("Sales, ²", [1], "'²' is not a whole number", id="superscript-digit"),
    pytest.param("Sales, 99999999999", [1], "is more than 1,000,000", id="too-many-people"),
    pytest.param("Sales, 120\nNorth, 3, Marketing", [2], "'Marketing' does not exist", id="parent"),
    pytest.param("Sales, 120\nSales, 30", [2], "'Sales' is already on line 1", id="duplicate"),
    pytest.param("Sales", [1], "Write: team name, headcount", id="no-headcount"),
    pytest.param("Sales, 1, Sales", [1], "cannot be its own parent", id="own-parent"),
    pytest.param(
        "Sales, 120\nSales North, many, Sales\nSales East, 10, Marketing\nsales, 30\nW, 1, Sales",
        [2, 3, 4],
        "Nothing was saved",
        id="several-bad-lines",
    ),
]


@pytest.mark.parametrize(("lines", "bad_lines", "message"), BAD_PASTES)
def test_a_paste_with_a_bad_line_saves_nothing_and_names_the_line(
    client: FlaskClient, world: World, lines: str, bad_lines: list[int], message: str
) -> None:
    login(client, world.consultant)
    before = count(Team)

    response = client.post(
        f"/orgs/{world.organization.id}/teams/import", data={"import-lines": lines}
    )

    page = page_text(response)
    assert response.status_code == 422
    assert message in page
    assert "Nothing was saved. Fix the lines below and try again." in page
    named = [n for n in range(1, lines.count("\n") + 2) if f"Line {n}:" in page]
    assert named == bad_lines
    assert lines in page, "the paste is kept to be corrected"
    assert count(Team) == before


def test_a_paste_that_makes_a_loop_saves_nothing(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    before = count(Team)
    response = client.post(
        f"/orgs/{world.organization.id}/teams/import",
        data={"import-lines": "Alpha, 3, Beta\nBeta, 4, Alpha"},
    )
    assert response.status_code == 422
    assert "that is a loop" in page_text(response)
    assert count(Team) == before


# --- Members -----------------------------------------------------------------------------


def test_the_last_consultant_cannot_be_removed(client: FlaskClient, world: World) -> None:
    login(client, world.admin)

    response = client.post(
        f"/orgs/{world.organization.id}/members/{world.consultant.id}/remove",
        follow_redirects=True,
    )

    assert "The last consultant cannot be removed; add another one first." in page_text(response)
    membership = db.session.get(Membership, (world.consultant.id, world.organization.id))
    assert membership is not None and membership.role is Role.CONSULTANT


def test_a_consultant_can_be_removed_once_there_is_another(
    client: FlaskClient, world: World
) -> None:
    builders.make_user(organization=world.organization, role=Role.CONSULTANT)
    db.session.commit()
    login(client, world.admin)

    response = client.post(
        f"/orgs/{world.organization.id}/members/{world.consultant.id}/remove",
        follow_redirects=True,
    )

    assert "no longer has access to Acme Insurance" in page_text(response)
    db.session.expire_all()
    assert db.session.get(Membership, (world.consultant.id, world.organization.id)) is None


def test_inviting_with_a_bad_email_answers_422_and_keeps_it(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    response = client.post(
        f"/orgs/{world.organization.id}/members",
        data={"email": "not-an-email", "role": "executive"},
    )
    assert response.status_code == 422
    assert 'value="not-an-email"' in page_text(response)


def test_inviting_an_existing_member_answers_422_and_keeps_the_email(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    response = client.post(
        f"/orgs/{world.organization.id}/members",
        data={"email": world.executive.email, "role": "consultant"},
    )
    assert response.status_code == 422
    assert "already a member" in page_text(response)
    assert f'value="{world.executive.email}"' in page_text(response)


# --- The one-time invitation link survives a reload ---------------------------------------

LINK = re.compile(
    r'id="invite-link-value" type="text" readonly value="(http://localhost/invite/([^"]+))"'
)


def shown_link(client: FlaskClient, url: str) -> str | None:
    response = client.get(url)
    assert response.status_code == 200
    found = LINK.search(response.get_data(as_text=True))
    return found.group(1) if found else None


def test_a_member_invitation_link_survives_reloads_until_hidden(
    client: FlaskClient, world: World
) -> None:
    members = f"/orgs/{world.organization.id}/members"
    login(client, world.consultant)
    response = client.post(members, data={"email": "new@acme.example", "role": "executive"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{members}#invite-link-heading"
    link = shown_link(client, members)
    assert link is not None
    assert shown_link(client, members) == link, "a reload shows the same link again"
    # Only the token's hash is in the database; the link still works.
    token = link.rsplit("/", 1)[1]
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.token_hash != token and token not in invitation.token_hash
    assert client.get(link.removeprefix("http://localhost")).status_code == 200  # not 410: it works

    # A second invitation replaces the first on the page.
    client.post(members, data={"email": "other@acme.example", "role": "executive"})
    second = shown_link(client, members)
    assert second is not None and second != link

    response = client.post(f"{members}/invitation-link/dismiss")
    assert response.status_code == 302 and response.headers["Location"] == members
    assert shown_link(client, members) is None
    assert "Invitation link" not in page_text(client.get(members))


def test_a_kept_link_is_only_for_the_login_that_made_it(client: FlaskClient, world: World) -> None:
    members = f"/orgs/{world.organization.id}/members"
    login(client, world.consultant)
    client.post(members, data={"email": "new@acme.example", "role": "executive"})
    assert shown_link(client, members) is not None
    client.post("/logout")
    login(client, world.executive)  # someone else on the same browser
    assert shown_link(client, members) is None
    client.post("/logout")
    login(client, world.consultant)  # a new login of the same person
    assert shown_link(client, members) is None


def test_a_refused_invitation_keeps_no_link(client: FlaskClient, world: World) -> None:
    members = f"/orgs/{world.organization.id}/members"
    login(client, world.consultant)
    response = client.post(members, data={"email": world.executive.email, "role": "executive"})
    assert response.status_code == 422
    assert shown_link(client, members) is None


def test_the_organisation_created_page_keeps_the_link_across_reloads(
    client: FlaskClient, world: World
) -> None:
    login(client, world.admin)
    response = client.post(
        "/admin/organizations",
        data={"name": "Initech", "consultant_email": "lead@initech.example"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/#invite-link-heading"
    first = client.get("/admin/")
    assert "Organisation “Initech” created." in page_text(first)
    link = LINK.search(first.get_data(as_text=True))
    assert link is not None
    assert shown_link(client, "/admin/") == link.group(1), "a reload keeps the link"
    assert "Initech" in page_text(client.get(link.group(1).removeprefix("http://localhost")))
    assert client.post("/admin/invitation-link/dismiss").status_code == 302
    assert shown_link(client, "/admin/") is None


# --- Long lists --------------------------------------------------------------------------


def test_the_teams_page_shows_fifty_teams_then_the_rest_on_page_two(
    client: FlaskClient, world: World
) -> None:
    for number in range(1, 54):
        builders.make_team(world.organization, f"Unit {number:02d}")
    db.session.commit()
    login(client, world.executive)

    first = page_text(client.get(f"/orgs/{world.organization.id}/teams"))
    second = page_text(client.get(f"/orgs/{world.organization.id}/teams?page=2"))

    def rows(page: str) -> int:
        return page.count('<th scope="row">')

    assert "54 teams in Acme Insurance" in first
    assert rows(first) == 50
    assert '<th scope="row">Claims</th>' in first
    assert '<th scope="row">Unit 49</th>' in first
    assert '<th scope="row">Unit 50</th>' not in first
    assert "Page 1 of 2" in first and "?page=2" in first

    assert rows(second) == 4
    for number in (50, 51, 52, 53):
        assert f'<th scope="row">Unit {number}</th>' in second
    assert '<th scope="row">Unit 01</th>' not in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize(
    "path",
    [
        "/orgs/99999999999999999999",
        "/orgs/9999999999/teams",
        "/initiatives/99999999999999999999/edit",
        "/teams/99999999999999999999/edit",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(
    client: FlaskClient, world: World, path: str
) -> None:
    login(client, world.admin)
    assert client.get(path).status_code == 404


def test_a_page_number_far_past_the_end_is_an_empty_page(client: FlaskClient, world: World) -> None:
    login(client, world.executive)
    response = client.get(f"/orgs/{world.organization.id}/teams?page=99999999999999999999")
    assert response.status_code == 200
    assert '<th scope="row">' not in page_text(response)
