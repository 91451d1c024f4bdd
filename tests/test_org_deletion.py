"""Deleting an organisation removes every row of it, in every table, and nothing of any other."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from app.demo import DEMO_LOGINS, DEMO_ORGANIZATION, seed_demo
from app.services import accounts, audit, organizations
from app.services.accounts import hash_token
from app.services.organizations.deletion import NOT_ORGANIZATION_DATA, ORGANIZATION, OWNER
from models import (
    AuditEvent,
    Base,
    Campaign,
    ImportMapping,
    Initiative,
    Organization,
    Role,
    Team,
    User,
    WorkshopParticipant,
    db,
)
from tests.builders import login, make_personal_link, make_user
from tests.conftest import World
from tests.table_rows import row_counts, table_rows

TODAY = date(2026, 6, 15)
SURVIVOR = "Survivor Mutual"
CONSULTANT = DEMO_LOGINS[0]


def _demo_org() -> Organization:
    found = organizations.organization_by_name(DEMO_ORGANIZATION)
    assert found is not None
    return found


def _fill_what_the_demo_leaves_empty(organization: Organization) -> None:
    """An invitation, a remembered import mapping, a personal link and an audit entry."""
    consultant = db.session.scalars(select(User).where(User.email == CONSULTANT.email)).one()
    organizations.invite_member(organization, "new.hire@northwind.demo", Role.EXECUTIVE, consultant)
    initiative = db.session.scalars(
        select(Initiative).where(Initiative.organization_id == organization.id)
    ).one()
    db.session.add(ImportMapping(initiative_id=initiative.id, kind="tidy", settings={"a": 1}))
    audit.record("test.entry", "Something happened", actor=consultant, organization=organization)
    db.session.commit()
    campaign = db.session.scalars(select(Campaign).order_by(Campaign.id.desc()).limit(1)).one()
    team = db.session.scalars(select(Team).where(Team.organization_id == organization.id)).first()
    assert team is not None
    make_personal_link(campaign, team)


def _login_demo_consultant(client: FlaskClient) -> None:
    response = client.post(
        "/login", data={"email": CONSULTANT.email, "password": CONSULTANT.password}
    )
    assert response.status_code == 302


def test_every_table_is_either_organisation_data_or_not() -> None:
    tables = set(Base.metadata.tables)
    assert tables == {ORGANIZATION, *OWNER, *NOT_ORGANIZATION_DATA}


def test_deleting_the_demo_leaves_exactly_the_other_organisation(client: FlaskClient) -> None:
    # The survivor: the full demo under another name, with its consultant logged in.
    seed_demo(today=TODAY)
    db.session.execute(update(Organization).values(name=SURVIVOR))
    # The demo fixes its workshop tokens; a second demo needs the first one's out of the way.
    for participant in db.session.scalars(select(WorkshopParticipant)):
        participant.token_hash = hash_token(f"survivor-{participant.id}")
    db.session.commit()
    _login_demo_consultant(client)
    alone = table_rows()

    # The organisation to delete: the demo again, with a row in every table of its own.
    seed_demo(today=TODAY)
    doomed = _demo_org()
    _fill_what_the_demo_leaves_empty(doomed)
    both = row_counts()
    assert {name for name in OWNER if both[name] <= len(alone[name])} == set()

    page = client.get(f"/orgs/{doomed.id}/delete")
    assert page.status_code == 200
    assert "Delete this organisation" in page.get_data(as_text=True)
    response = client.post(f"/orgs/{doomed.id}/delete", data={"name": DEMO_ORGANIZATION})
    assert response.status_code == 302
    assert "Northwind Mutual” and all of its data deleted" in client.get("/").get_data(as_text=True)

    db.session.expire_all()
    after = table_rows()
    for name, rows in alone.items():
        if name in NOT_ORGANIZATION_DATA:
            # People keep their accounts; sessions may have been touched by the requests.
            assert len(after[name]) == len(rows), name
        elif name != "audit_event":
            assert after[name] == rows, name
    entries = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert len(entries) == len(alone["audit_event"]) + 1
    assert [tuple(r) for r in after["audit_event"][:-1]] == alone["audit_event"]
    last = entries[-1]
    assert (last.action, last.organization_id, last.organization_name, last.actor_email) == (
        "organization.deleted",
        None,
        DEMO_ORGANIZATION,
        CONSULTANT.email,
    )
    assert last.details is not None and last.details["rows"]["answer"] > 0
    # The survivor is whole and its pages still work for the same consultant.
    assert client.get(f"/orgs/{_survivor_id()}").status_code == 200


def _survivor_id() -> int:
    found = organizations.organization_by_name(SURVIVOR)
    assert found is not None
    return found.id


def test_a_wrong_name_deletes_nothing_and_names_the_field(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    before = table_rows()
    response = client.post(f"/orgs/{world.organization.id}/delete", data={"name": "acme insurance"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Type the organisation" in page and "exactly as shown" in page
    assert 'value="acme insurance"' in page
    after = table_rows()
    assert {k: v for k, v in after.items() if k not in NOT_ORGANIZATION_DATA} == {
        k: v for k, v in before.items() if k not in NOT_ORGANIZATION_DATA
    }


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_executives_may_not_delete(client: FlaskClient, world: World, method: str) -> None:
    login(client, world.executive)
    response = client.open(
        f"/orgs/{world.organization.id}/delete",
        method=method,
        data={"name": world.organization.name},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Organization, world.organization.id) is not None


def test_an_admin_deletes_a_client_its_people_keep_their_accounts(
    client: FlaskClient, world: World
) -> None:
    member_elsewhere = make_user("both@acme.example", organization=world.organization)
    accounts.add_member(member_elsewhere, world.other_organization, Role.EXECUTIVE)
    db.session.commit()
    login(client, world.admin)
    response = client.post(
        f"/orgs/{world.organization.id}/delete", data={"name": "  Acme Insurance "}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, world.organization.id) is None
    assert db.session.get(Organization, world.other_organization.id) is not None
    assert db.session.get(User, world.consultant.id) is not None
    # The person in both organisations still reaches the other one.
    client.post("/logout")
    login(client, member_elsewhere)
    assert client.get(f"/orgs/{world.other_organization.id}").status_code == 200
    assert client.get(f"/orgs/{world.organization.id}").status_code == 404
