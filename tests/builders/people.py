"""Organisations, people and their ways in (a browser session or an API token)."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

from flask.testing import FlaskClient

from app.services import accounts, metrics, practices, stages
from models import Initiative, Organization, PracticeCycle, Role, Team, User, db

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_organization(name: str | None = None) -> Organization:
    organization = Organization(name=name or f"Client {next(_counter)}")
    db.session.add(organization)
    db.session.flush()
    return organization


def make_user(
    email: str | None = None,
    *,
    name: str | None = None,
    organization: Organization | None = None,
    role: Role | str = Role.EXECUTIVE,
    is_admin: bool = False,
) -> User:
    number = next(_counter)
    user = accounts.create_user(
        email or f"person{number}@example.example",
        name or f"Person {number}",
        PASSWORD,
        is_admin=is_admin,
    )
    if organization is not None:
        accounts.add_member(user, organization, Role(role))
    return user


def make_initiative(organization: Organization, **overrides: Any) -> Initiative:
    fields: dict[str, Any] = {
        "name": f"CRM rollout {next(_counter)}",
        "crm_product": "Acme CRM",
        "start_date": date(2026, 3, 2),
        "go_live_date": date(2026, 6, 1),
        "licensed_seats": 120,
    }
    fields.update(overrides)
    initiative = Initiative(organization=organization, **fields)
    db.session.add(initiative)
    db.session.flush()
    stages.ensure_stages(initiative)  # as organizations.save_initiative does
    metrics.ensure_catalogue(initiative)  # likewise
    return initiative


def make_team(organization: Organization, name: str | None = None, **overrides: Any) -> Team:
    team = Team(
        organization_id=organization.id,
        name=name or f"Team {next(_counter)}",
        headcount=overrides.pop("headcount", 12),
        **overrides,
    )
    db.session.add(team)
    db.session.flush()
    return team


def make_practice_cycle(
    initiative: Initiative, leader: User, by: User | None = None
) -> PracticeCycle:
    """An open leadership 360 for ``leader`` (an executive of the initiative's organisation)."""
    return practices.open_cycle(initiative, leader.id, by or leader)


def login(client: FlaskClient, user: User | None) -> None:
    """Log ``client`` in as ``user``; ``None`` leaves it anonymous."""
    if user is None:
        return
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def invitation_path(
    client: FlaskClient, organization: Organization, email: str, role: str = "executive"
) -> str:
    """Invite ``email`` through the members page as ``client``'s user; the link's path."""
    page = client.post(
        f"/orgs/{organization.id}/members",
        data={"email": email, "role": role},
        follow_redirects=True,
    ).get_data(as_text=True)
    link = re.search(r'value="http://localhost(/invite/[^"]+)"', page)
    assert link is not None, "the invitation link is shown to copy"
    return link.group(1)


def api_headers(user: User | None) -> dict[str, str]:
    """Request headers that call the JSON API as ``user`` (a new token); ``None``: no token."""
    if user is None:
        return {}
    token = accounts.create_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}
