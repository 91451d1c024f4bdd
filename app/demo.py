"""The demo organisation, Northwind Mutual: an insurer rolling out a new CRM to sales and service.

Dates are relative to today, so the demo always looks like a rollout in progress.
Later features add their part of the story here, each in its own function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import func, select

from app.services import accounts, organizations
from models import Initiative, Organization, Role, Team, User, db

DEMO_ORGANIZATION = "Northwind Mutual"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    password: str


# Published on purpose: these accounts exist only in the demo organisation.
DEMO_LOGINS = (
    DemoLogin("consultant", "consultant@northwind.demo", "Dana Okafor", "demo-consultant-1"),
    DemoLogin("executive", "morgan.hale@northwind.demo", "Morgan Hale", "demo-executive-1"),
    DemoLogin("executive", "priya.raman@northwind.demo", "Priya Raman", "demo-executive-2"),
)

# name, headcount, parent
DEMO_TEAMS = (
    ("Sales", 6, None),
    ("Sales North", 24, "Sales"),
    ("Sales South", 22, "Sales"),
    ("Broker Partnerships", 14, "Sales"),
    ("Sales Operations", 4, "Sales"),
    ("Customer Service", 5, None),
    ("Claims Service", 30, "Customer Service"),
    ("Policy Service", 26, "Customer Service"),
    ("Contact Centre", 38, "Customer Service"),
)


class SeedResult(StrEnum):
    CREATED = "created"
    PRESENT = "present"
    SKIPPED = "skipped"


def demo_start(today: date) -> date:
    """The Monday 28 weeks ago: go-live fell about four months before today."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=28)


def seed_demo(*, only_if_empty: bool = False, today: date | None = None) -> SeedResult:
    if organizations.organization_by_name(DEMO_ORGANIZATION) is not None:
        return SeedResult.PRESENT
    if only_if_empty and db.session.scalar(select(func.count()).select_from(Organization)):
        return SeedResult.SKIPPED
    today = today or date.today()
    organization = organizations.create_organization(DEMO_ORGANIZATION)
    _demo_users(organization)
    start = demo_start(today)
    initiative = Initiative(
        organization=organization,
        name="Customer 360 CRM rollout",
        crm_product="Salesforce Financial Services Cloud",
        start_date=start,
        go_live_date=start + timedelta(weeks=10),
        licensed_seats=175,
    )
    db.session.add(initiative)
    _demo_teams(organization)
    db.session.flush()
    return SeedResult.CREATED


def _demo_users(organization: Organization) -> dict[str, User]:
    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        user = accounts.user_by_email(login.email) or accounts.create_user(
            login.email, login.name, login.password
        )
        accounts.add_member(user, organization, Role(login.role))
        users[login.email] = user
    return users


def _demo_teams(organization: Organization) -> dict[str, Team]:
    teams: dict[str, Team] = {}
    for name, headcount, parent in DEMO_TEAMS:
        team = Team(
            organization_id=organization.id,
            name=name,
            headcount=headcount,
            parent=teams[parent] if parent else None,
        )
        db.session.add(team)
        teams[name] = team
    return teams
