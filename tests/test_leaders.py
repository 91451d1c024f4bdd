"""Leaders and their teams: naming a team's leader, and the consultant's page relating the
leaders' 360 practices (observers' view) to their teams' pulse and adoption."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from app.services import metrics, practices
from insights.leaders import LEADERS_MIN
from models import Observation, Team, User, db
from survey.practices import BEHAVIOURS
from tests import builders
from tests.builders import login
from tests.conftest import World
from tests.pagecheck import page_text

REFUSED = "Choose the leader among the organisation's members, or nobody."


def _team(world: World, name: str) -> Team | None:
    return db.session.scalar(
        select(Team).where(Team.organization_id == world.organization.id, Team.name == name)
    )


def _leader_cell(client: FlaskClient, world: World, team: str) -> str:
    """What the team list says in the Leader column of ``team``'s row."""
    page = client.get(f"/orgs/{world.organization.id}/teams").get_data(as_text=True)
    row = re.search(rf"<th scope=\"row\">{team}</th>\s*<td>[^<]*</td>\s*<td>(.*?)</td>", page)
    assert row is not None, f"{team} is listed"
    return re.sub(r"<[^>]+>", "", row.group(1)).strip()


# --- the team form -----------------------------------------------------------------------


def test_a_consultant_names_a_teams_leader_changes_and_clears_it(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    response = client.post(
        f"/orgs/{world.organization.id}/teams",
        data={
            "team-name": "Claims South",
            "team-headcount": "11",
            "team-leader_id": world.executive.id,
        },
    )
    assert response.status_code == 302
    south = _team(world, "Claims South")
    assert south is not None and south.leader_id == world.executive.id
    assert _leader_cell(client, world, "Claims South") == world.executive.name
    assert _leader_cell(client, world, "Claims") == "none named"

    # Any member may lead a team, the consultant too; the edit form shows who does now.
    form = client.get(f"/teams/{south.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{world.executive.id}">', form)
    edit = {"name": "Claims South", "headcount": "11", "parent_id": "0"}
    response = client.post(
        f"/teams/{south.id}/edit", data={**edit, "leader_id": world.consultant.id}
    )
    assert response.status_code == 302
    assert _leader_cell(client, world, "Claims South") == world.consultant.name

    response = client.post(f"/teams/{south.id}/edit", data={**edit, "leader_id": "0"})
    assert response.status_code == 302
    db.session.refresh(south)
    assert south.leader_id is None
    assert _leader_cell(client, world, "Claims South") == "none named"


def test_a_leader_from_elsewhere_is_refused_with_the_input_kept(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    for leader in (world.outsider.id, world.admin.id, 999_999, "nobody", 2**40):
        response = client.post(
            f"/orgs/{world.organization.id}/teams",
            data={"team-name": "Claims South", "team-headcount": "11", "team-leader_id": leader},
        )
        assert response.status_code == 422, leader
        text = page_text(response)
        assert REFUSED in text or "Invalid Choice: could not coerce" in text, leader
        assert 'value="Claims South"' in response.get_data(as_text=True)
        assert world.outsider.name not in text, "another organisation's people are never offered"
    assert _team(world, "Claims South") is None

    response = client.post(
        f"/teams/{world.team.id}/edit",
        data={
            "name": "Claims",
            "headcount": "12",
            "parent_id": "0",
            "leader_id": world.outsider.id,
        },
    )
    assert response.status_code == 422 and REFUSED in page_text(response)
    db.session.refresh(world.team)
    assert world.team.leader_id is None


def test_a_member_who_leaves_leads_no_team_any_more(client: FlaskClient, world: World) -> None:
    world.team.leader_id = world.executive.id
    db.session.commit()
    login(client, world.consultant)
    response = client.post(f"/orgs/{world.organization.id}/members/{world.executive.id}/remove")
    assert response.status_code == 302
    db.session.refresh(world.team)
    assert world.team.leader_id is None


# --- the consultant's page ----------------------------------------------------------------


def _closed_360(world: World, leader: User, observer_ratings: list[int]) -> None:
    """A closed 360 of ``leader``: they rate themselves 10 everywhere, each observer one value."""
    cycle = practices.open_cycle(world.initiative, leader.id, world.consultant)
    today = date.today()
    practices.save_self_response(
        cycle, leader, dict.fromkeys((b.key for b in BEHAVIOURS), 10), today
    )
    for value in observer_ratings:
        practices.save_observer_response(
            cycle, "direct_report", {b.key: value for b in BEHAVIOURS}, today
        )
    practices.close_cycle(cycle)


def _adoption(world: World, team: Team, value: float) -> None:
    metric = metrics.metric_by_key(world.initiative, "adoption_rate")
    assert metric is not None
    monday = date.today() - timedelta(days=date.today().weekday() + 7)
    for week in range(3):
        period = monday - timedelta(weeks=week)
        db.session.add(
            Observation(metric_id=metric.id, team_id=team.id, period=period, value=value - week)
        )


def _leaders(world: World, count: int) -> list[User]:
    """``count`` executives, each leading one team with a closed 360 and adoption figures:
    the better their observers rate them, the higher their team's adoption."""
    made = []
    for i in range(count):
        leader = builders.make_user(
            f"leader{i}@acme.example", name=f"Exec Person {i:02d}", organization=world.organization
        )
        team = builders.make_team(world.organization, f"Branch {i:02d}", headcount=10 + i)
        team.leader_id = leader.id
        db.session.commit()
        low = 1 + i // 2
        # Observers' mean rises with i (1, 1.33, 2, 2.33, ...): a strong built association.
        _closed_360(world, leader, [low, low, min(10, low + i % 2)])
        _adoption(world, team, 20.0 + 3 * i)
        made.append(leader)
    db.session.commit()
    return made


def test_with_few_leaders_the_page_says_there_are_not_enough(
    client: FlaskClient, world: World
) -> None:
    leaders = _leaders(world, 2)
    # A third leader whose 360 has too few observers to show: not counted.
    third = builders.make_user(
        "third@acme.example", name="Exec Third", organization=world.organization
    )
    builders.make_team(world.organization, "Branch third", headcount=9, leader_id=third.id)
    db.session.commit()
    _closed_360(world, third, [7, 8])

    login(client, world.consultant)
    overview = client.get(f"/initiatives/{world.initiative.id}/practices").get_data(as_text=True)
    assert f'href="/initiatives/{world.initiative.id}/practices/leaders"' in overview
    response = client.get(f"/initiatives/{world.initiative.id}/practices/leaders")
    assert response.status_code == 200
    text = page_text(response)
    assert f"Not enough leaders to say (2 of {LEADERS_MIN} needed)." in text
    assert "3 people named as a team’s leader; 2 of them with observer figures" in text
    assert "1 with no leader named" in text  # the world's own team, Claims
    assert f'href="/orgs/{world.organization.id}/teams"' in response.get_data(as_text=True)
    assert "ρ =" not in text
    for leader in [*leaders, third]:
        assert leader.name not in text


def test_a_strong_association_is_reported_without_any_leaders_own_scores(
    client: FlaskClient, world: World
) -> None:
    count = LEADERS_MIN + 2
    leaders = _leaders(world, count)
    world.team.leader_id = leaders[0].id  # a second team for one leader: weighted in
    db.session.commit()

    login(client, world.consultant)
    response = client.get(f"/initiatives/{world.initiative.id}/practices/leaders")
    assert response.status_code == 200
    text = page_text(response)
    assert "Not enough leaders to say" in text  # the pulse: no campaign published
    assert f"Not enough leaders to say (0 of {LEADERS_MIN} needed)." in text
    found = re.findall(
        r"A higher observers’ score on “([^”]+)” goes with a higher adoption rate in the "
        rf"leader’s teams: Spearman ρ = (\d\.\d\d) across {count} leaders",
        text,
    )
    assert {name for name, _ in found} == {
        "Model the way",
        "Inspire a shared vision",
        "Challenge the process",
        "Enable others to act",
        "Encourage the heart",
    }
    assert all(float(rho) >= 0.9 for _, rho in found)
    assert "after adjusting for the 5 tests" in text
    # Correlations and counts only: no leader, no report, no practice score of anyone.
    assert "Exec Person" not in text
    assert "/report" not in response.get_data(as_text=True)
    assert not re.search(r"\b\d{1,2}\.\d\b of 60|\bof 60\b", text)

    for who, status in ((world.executive, 403), (leaders[0], 403), (world.outsider, 404)):
        other = client.application.test_client()
        login(other, who)
        assert (
            other.get(f"/initiatives/{world.initiative.id}/practices/leaders").status_code == status
        )
