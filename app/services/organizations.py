"""Organisations, initiatives and teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select

from app.services import metrics, stages
from app.services.accounts import AccountError
from models import Initiative, Membership, Organization, Role, Team, User, db

# The same limit as the team form's; far above any real team, and within an INTEGER column.
MAX_HEADCOUNT = 1_000_000


class OrganizationError(ValueError):
    """A change that cannot be made; the message is for a person, ``field`` says where."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


def organization_by_name(name: str) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(func.lower(Organization.name) == name.strip().lower())
    )


def create_organization(name: str) -> Organization:
    name = name.strip()
    if organization_by_name(name) is not None:
        raise OrganizationError(f"An organisation called {name!r} already exists.")
    organization = Organization(name=name)
    db.session.add(organization)
    db.session.flush()
    return organization


@dataclass(frozen=True)
class InitiativeFields:
    name: str
    crm_product: str
    start_date: date
    go_live_date: date | None
    licensed_seats: int


def check_initiative(fields: InitiativeFields) -> dict[str, str]:
    """Problems with the fields, by field name."""
    problems: dict[str, str] = {}
    if fields.go_live_date and fields.go_live_date < fields.start_date:
        problems["go_live_date"] = "Go-live cannot be before the start date."
    if fields.licensed_seats < 0:
        problems["licensed_seats"] = "Licensed seats cannot be negative."
    return problems


def initiative_name_taken(
    organization: Organization, name: str, *, except_id: int | None = None
) -> bool:
    query = select(Initiative.id).where(
        Initiative.organization_id == organization.id,
        func.lower(Initiative.name) == name.strip().lower(),
    )
    if except_id is not None:
        query = query.where(Initiative.id != except_id)
    return db.session.scalar(query) is not None


def save_initiative(
    organization: Organization, fields: InitiativeFields, initiative: Initiative | None = None
) -> Initiative:
    new = initiative is None
    if initiative is None:
        initiative = Initiative(organization=organization)
        db.session.add(initiative)
    initiative.name = fields.name.strip()
    initiative.crm_product = fields.crm_product.strip()
    initiative.start_date = fields.start_date
    initiative.go_live_date = fields.go_live_date
    initiative.licensed_seats = fields.licensed_seats
    db.session.flush()
    if new:
        stages.ensure_stages(initiative)
        metrics.ensure_catalogue(initiative)
    return initiative


def teams_of(organization_id: int) -> list[Team]:
    return list(
        db.session.scalars(
            select(Team).where(Team.organization_id == organization_id).order_by(Team.name)
        )
    )


def team_by_name(organization_id: int, name: str) -> Team | None:
    return db.session.scalar(
        select(Team).where(
            Team.organization_id == organization_id,
            func.lower(Team.name) == name.strip().lower(),
        )
    )


def would_make_cycle(team: Team, parent_id: int | None) -> bool:
    """True if putting ``team`` under ``parent_id`` would make it its own ancestor."""
    parents = dict(
        db.session.execute(
            select(Team.id, Team.parent_id).where(Team.organization_id == team.organization_id)
        ).all()
    )
    seen: set[int] = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == team.id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def save_team(
    organization: Organization,
    name: str,
    headcount: int,
    parent_id: int | None,
    team: Team | None = None,
) -> Team:
    name = name.strip()
    existing = team_by_name(organization.id, name)
    if existing is not None and existing is not team:
        raise OrganizationError(f"A team called {name!r} already exists.")
    if parent_id is not None:
        parent = db.session.get(Team, parent_id)
        if parent is None or parent.organization_id != organization.id:
            raise OrganizationError("Choose a parent team of this organisation.", "parent_id")
    if team is None:
        team = Team(organization_id=organization.id)
        db.session.add(team)
    elif would_make_cycle(team, parent_id):
        raise OrganizationError(
            "A team cannot sit inside itself or one of its own sub-teams.", "parent_id"
        )
    team.name = name
    team.headcount = headcount
    team.parent_id = parent_id
    db.session.flush()
    return team


def delete_team(team: Team) -> None:
    db.session.delete(team)
    db.session.flush()


@dataclass(frozen=True)
class TeamLine:
    line: int
    name: str
    headcount: int
    parent: str | None


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


def parse_team_lines(text: str) -> tuple[list[TeamLine], list[LineError]]:
    """Parse pasted teams, one per line: ``name, headcount[, parent]``.

    Commas or tabs separate the fields (a spreadsheet paste gives tabs). A
    first line reading ``name, headcount, parent`` is taken as a header.
    """
    rows: list[TeamLine] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        separator = "\t" if "\t" in raw else ","
        fields = [field.strip() for field in raw.split(separator)]
        if number == 1 and fields[0].lower() in {"name", "team"}:
            continue
        if len(fields) < 2 or len(fields) > 3:
            errors.append(LineError(number, "Write: team name, headcount, parent team (optional)."))
            continue
        name, headcount_text = fields[0], fields[1]
        parent = fields[2] if len(fields) == 3 and fields[2] else None
        if not name:
            errors.append(LineError(number, "The team name is empty."))
            continue
        if len(name) > 120:
            errors.append(LineError(number, "The team name is longer than 120 characters."))
            continue
        # isdigit() alone also accepts "²", which int() refuses.
        if not (headcount_text.isascii() and headcount_text.isdigit()):
            errors.append(
                LineError(number, f"Headcount {headcount_text!r} is not a whole number of people.")
            )
            continue
        if int(headcount_text) > MAX_HEADCOUNT:
            errors.append(
                LineError(number, f"Headcount {headcount_text} is more than {MAX_HEADCOUNT:,}.")
            )
            continue
        if name.lower() in seen:
            errors.append(LineError(number, f"{name!r} is already on line {seen[name.lower()]}."))
            continue
        seen[name.lower()] = number
        rows.append(TeamLine(number, name, int(headcount_text), parent))
    return rows, errors


def import_teams(organization: Organization, text: str) -> tuple[int, list[LineError]]:
    """Create or update teams from pasted lines, all or nothing.

    Returns how many teams were saved, or the errors by line with nothing saved.
    Parents may be existing teams or teams named elsewhere in the paste.
    """
    rows, errors = parse_team_lines(text)
    if not rows and not errors:
        return 0, [LineError(1, "Paste at least one team.")]
    existing = {team.name.lower(): team for team in teams_of(organization.id)}
    pasted = {row.name.lower() for row in rows}
    for row in rows:
        if row.parent and row.parent.lower() not in existing and row.parent.lower() not in pasted:
            errors.append(LineError(row.line, f"Parent team {row.parent!r} does not exist."))
        if row.parent and row.parent.lower() == row.name.lower():
            errors.append(LineError(row.line, "A team cannot be its own parent."))
    if errors:
        return 0, sorted(errors, key=lambda error: error.line)
    teams = dict(existing)
    for row in rows:
        team = teams.get(row.name.lower())
        if team is None:
            team = Team(organization_id=organization.id, name=row.name)
            db.session.add(team)
            teams[row.name.lower()] = team
        team.headcount = row.headcount
    db.session.flush()
    for row in rows:
        team = teams[row.name.lower()]
        parent_id = teams[row.parent.lower()].id if row.parent else None
        if parent_id is not None and would_make_cycle(team, parent_id):
            db.session.rollback()
            return 0, [
                LineError(row.line, f"{row.parent!r} is inside {row.name!r}: that is a loop.")
            ]
        team.parent_id = parent_id
        db.session.flush()
    return len(rows), []


def members_of(organization_id: int) -> list[tuple[User, Role]]:
    return list(
        db.session.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization_id)
            .order_by(User.name)
        )
    )


def is_member(organization_id: int, user_id: int) -> bool:
    return db.session.get(Membership, (user_id, organization_id)) is not None


def remove_member(organization: Organization, user: User) -> None:
    consultants = db.session.scalar(
        select(func.count()).where(
            Membership.organization_id == organization.id, Membership.role == Role.CONSULTANT
        )
    )
    membership = db.session.get(Membership, (user.id, organization.id))
    if membership is None:
        raise AccountError(f"{user.name} is not a member of {organization.name}.")
    if membership.role is Role.CONSULTANT and consultants == 1:
        raise AccountError("The last consultant cannot be removed; add another one first.")
    db.session.execute(
        delete(Membership).where(
            Membership.organization_id == organization.id, Membership.user_id == user.id
        )
    )
    db.session.flush()


def initiative_counts(organization_ids: list[int]) -> dict[int, int]:
    """Initiatives per organisation, in one query for a whole page of organisations."""
    rows = db.session.execute(
        select(Initiative.organization_id, func.count())
        .where(Initiative.organization_id.in_(organization_ids))
        .group_by(Initiative.organization_id)
    ).all()
    return {organization_id: count for organization_id, count in rows}
