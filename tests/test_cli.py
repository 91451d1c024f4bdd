"""The commands an operator types: ``flask --app app seed-demo | create-user | create-token``."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from models import ApiToken, Membership, Organization, Role, Team, User, db
from tests.builders import PASSWORD
from tests.conftest import World

# "  consultant  consultant@northwind.demo   password: demo-consultant-1"
LOGIN_LINE = re.compile(r"^\s*(consultant|executive)\s+(\S+@\S+)\s+password: (\S+)\s*$", re.M)


def row_counts() -> dict[str, int]:
    """Rows in every table, to prove that a command changed nothing."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def northwind() -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.name == "Northwind Mutual"))


# --- seed-demo ---------------------------------------------------------------------------


def test_seed_demo_loads_northwind_mutual_and_prints_the_logins(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    organization = northwind()
    assert organization is not None
    assert [initiative.name for initiative in organization.initiatives] == [
        "Customer 360 CRM rollout"
    ]

    teams = {
        team.name: team
        for team in db.session.scalars(select(Team).where(Team.organization_id == organization.id))
    }
    assert len(teams) == 9
    top_level = {name for name, team in teams.items() if team.parent_id is None}
    assert top_level == {"Sales", "Customer Service"}
    assert teams["Sales North"].parent_id == teams["Sales"].id
    assert teams["Contact Centre"].parent_id == teams["Customer Service"].id

    roles = sorted(
        db.session.scalars(
            select(Membership.role).where(Membership.organization_id == organization.id)
        )
    )
    assert roles == [Role.CONSULTANT, Role.EXECUTIVE, Role.EXECUTIVE]

    logins = LOGIN_LINE.findall(result.output)
    assert sorted(role for role, _, _ in logins) == ["consultant", "executive", "executive"]
    assert all(password for _, _, password in logins)


def test_seed_demo_twice_changes_nothing_and_still_prints_the_logins(
    runner: FlaskCliRunner,
) -> None:
    first = runner.invoke(args=["seed-demo"])
    counts = row_counts()

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert row_counts() == counts
    assert "already present" in again.output
    assert LOGIN_LINE.findall(again.output) == LOGIN_LINE.findall(first.output)
    assert len(LOGIN_LINE.findall(again.output)) == 3


def test_seed_demo_if_empty_leaves_a_database_in_use_alone(
    runner: FlaskCliRunner, world: World
) -> None:
    counts = row_counts()

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output
    assert northwind() is None
    assert row_counts() == counts


def test_seed_demo_if_empty_loads_an_empty_database(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert northwind() is not None


def test_a_printed_demo_login_logs_in(runner: FlaskCliRunner, client: FlaskClient) -> None:
    output = runner.invoke(args=["seed-demo"]).output
    logins = LOGIN_LINE.findall(output)
    assert logins

    for _, email, password in logins:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, f"{email} could not log in"
        landing = client.get("/", follow_redirects=True).get_data(as_text=True)
        assert "Northwind Mutual" in landing
        client.post("/logout")


# --- create-user -------------------------------------------------------------------------


@pytest.mark.parametrize("admin", [False, True])
def test_create_user(runner: FlaskCliRunner, client: FlaskClient, admin: bool) -> None:
    args = ["create-user", "--email", "Ops@Stepwise.example", "--name", "Ops", "--password"]
    args += [PASSWORD, *(["--admin"] if admin else [])]

    result = runner.invoke(args=args)

    assert result.exit_code == 0, result.output
    assert "ops@stepwise.example" in result.output
    user = db.session.scalar(select(User).where(User.email == "ops@stepwise.example"))
    assert user is not None
    assert user.is_admin is admin
    response = client.post("/login", data={"email": "ops@stepwise.example", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("email", ["admin@x.test", "Ops@Corp.Local", "ops@intranet"])
def test_a_user_created_on_an_internal_domain_can_log_in(
    runner: FlaskCliRunner, client: FlaskClient, email: str
) -> None:
    """The CLI and the login form apply one email rule: what can be created can log in."""
    args = ["create-user", "--email", email, "--name", "Ops", "--password", PASSWORD]
    assert runner.invoke(args=args).exit_code == 0

    response = client.post("/login", data={"email": email, "password": PASSWORD})

    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/").status_code == 200


# email, name, password, what the operator is told
BAD_USERS = [
    pytest.param("EXEC@acme.example", "Again", PASSWORD, "already exists", id="duplicate-email"),
    pytest.param("new@acme.example", "New", "short", "at least 12 characters", id="short-password"),
    pytest.param("new@acme.example", "New", "Qwerty123456", "most common", id="common-password"),
    pytest.param("new.acme.example", "New", PASSWORD, "not an email address", id="no-at-sign"),
    pytest.param("a@b@acme.example", "New", PASSWORD, "not an email address", id="two-at-signs"),
    pytest.param("new@acme.example", "  ", PASSWORD, "A name is required", id="blank-name"),
]


@pytest.mark.parametrize(("email", "name", "password", "message"), BAD_USERS)
def test_create_user_refuses_bad_input_with_a_clear_message(
    runner: FlaskCliRunner, world: World, email: str, name: str, password: str, message: str
) -> None:
    counts = row_counts()
    args = ["create-user", "--email", email, "--name", name, "--password", password]

    result = runner.invoke(args=args)

    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert row_counts() == counts


# --- create-token ------------------------------------------------------------------------


def test_create_token_prints_the_token_alone_on_the_last_line(
    runner: FlaskCliRunner, client: FlaskClient, world: World
) -> None:
    result = runner.invoke(args=["create-token", "--email", "EXEC@acme.example"])

    assert result.exit_code == 0, result.output
    token = result.output.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"\S{20,}", token), f"not a bare token: {token!r}"
    response = client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json == {"items": [{"id": world.organization.id, "name": "Acme Insurance"}]}


def test_create_token_for_an_unknown_email_fails(runner: FlaskCliRunner, world: World) -> None:
    result = runner.invoke(args=["create-token", "--email", "nobody@acme.example"])
    assert result.exit_code != 0
    assert "No account for nobody@acme.example" in result.output
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
