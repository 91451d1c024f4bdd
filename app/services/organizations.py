"""Organisations, initiatives and teams."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, delete, func, select, union

from app.services import metrics, stages
from app.services.accounts import AccountError
from models import (
    AnswerTally,
    Campaign,
    CampaignTeam,
    Initiative,
    Membership,
    Observation,
    Organization,
    PersonalLink,
    PublishedGroup,
    Response,
    ResponseTally,
    Role,
    Survey,
    SurveyAction,
    Team,
    TeamLink,
    User,
    db,
)
from models.base import utcnow

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


def teams_of(organization_id: int, *, include_archived: bool = False) -> list[Team]:
    """The organisation's active teams: what every picker, import and new campaign offers.

    ``include_archived`` is for lookups that must recognise an archived team's
    name to say so, rather than call it unknown.
    """
    query = _teams_query(organization_id)
    if not include_archived:
        query = query.where(Team.archived_at.is_(None))
    return list(db.session.scalars(query))


def active_teams_query(organization_id: int) -> Select[tuple[Team]]:
    """``teams_of`` as a query, for a list page to paginate."""
    return _teams_query(organization_id).where(Team.archived_at.is_(None))


def archived_teams_of(organization_id: int) -> list[Team]:
    """Teams kept only for their history; restorable, never offered for anything new."""
    return list(
        db.session.scalars(_teams_query(organization_id).where(Team.archived_at.is_not(None)))
    )


def team_names(organization_id: int) -> dict[int, str]:
    """Every team's name by id, archived ones too (a list shows where each team sits)."""
    rows = db.session.execute(
        select(Team.id, Team.name).where(Team.organization_id == organization_id)
    )
    return {team_id: name for team_id, name in rows}


def _teams_query(organization_id: int) -> Select[tuple[Team]]:
    return select(Team).where(Team.organization_id == organization_id).order_by(Team.name)


def archived_name_message(name: str) -> str:
    return f"An archived team is called {name!r}: restore it or choose another name."


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
    if team is not None and team.archived_at is not None:
        raise OrganizationError("This team is archived: restore it before changing it.")
    _check_name_free(organization.id, name, team)
    if parent_id is not None:
        _check_parent(organization.id, parent_id)
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


def _check_name_free(organization_id: int, name: str, team: Team | None) -> None:
    # The unique (organization_id, name) constraint covers archived teams too,
    # so their names stay taken; say why rather than "already exists".
    existing = team_by_name(organization_id, name)
    if existing is None or existing is team:
        return
    if existing.archived_at is not None:
        raise OrganizationError(archived_name_message(existing.name))
    raise OrganizationError(f"A team called {name!r} already exists.")


def _check_parent(organization_id: int, parent_id: int) -> None:
    parent = db.session.get(Team, parent_id)
    if parent is None or parent.organization_id != organization_id:
        raise OrganizationError("Choose a parent team of this organisation.", "parent_id")
    if parent.archived_at is not None:
        raise OrganizationError(
            f"Team {parent.name!r} is archived: restore it first or choose another parent.",
            "parent_id",
        )


# --- Removing and restoring teams --------------------------------------------------------

# Every table whose rows would vanish with the team (ON DELETE CASCADE) and that
# records something that happened: a team with any of these is archived instead.
HISTORY_TABLES = (
    CampaignTeam,
    Response,
    ResponseTally,
    AnswerTally,
    PersonalLink,
    TeamLink,
    Observation,
    SurveyAction,
    PublishedGroup,
)

CHOOSE_SUB_TEAMS = "Choose what happens to its sub-teams: move them up, or remove them with it."


class SubTeams(enum.StrEnum):
    """What removing a team does to its active sub-teams; there is no default on purpose."""

    MOVE_UP = "move_up"
    WITH_IT = "with_it"


def teams_with_history(team_ids: Iterable[int]) -> set[int]:
    """Those of ``team_ids`` that a campaign, answer, link, action or metric value refers to."""
    ids = list(team_ids)
    if not ids:
        return set()
    query = union(
        *(select(table.team_id).where(table.team_id.in_(ids)) for table in HISTORY_TABLES)
    )
    found: set[int] = {team_id for team_id in db.session.scalars(query) if team_id is not None}
    # A parent that was never asked itself still stands in the frozen tree of a
    # campaign not yet published: its figures will be published under it.
    organizations = select(Team.organization_id).where(Team.id.in_(ids))
    unpublished = db.session.scalars(
        select(Campaign.team_tree)
        .join(Survey, Survey.id == Campaign.survey_id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .where(Campaign.published_at.is_(None), Initiative.organization_id.in_(organizations))
    )
    wanted = set(ids)
    for tree in unpublished:
        found |= {node[0] for node in tree or []} & wanted
    return found


@dataclass(frozen=True)
class Fate:
    """What removing does to one team: archive it (it has history) or delete it."""

    team: Team
    archive: bool


@dataclass(frozen=True)
class RemovalPlan:
    """What removing ``team`` will do, for the confirmation page and for the removal itself."""

    team: Team
    archive: bool
    # Its active sub-teams: the person chooses whether they move up or go with it.
    sub_teams: list[Team]
    # Where "move up" puts them: the team's own parent, or None for the top level.
    new_parent: Team | None
    # What "remove them with it" does to every descendant whose state would change.
    with_it: list[Fate]


class _Tree:
    """The organisation's teams (archived too) by id and by parent, loaded once."""

    def __init__(self, organization_id: int) -> None:
        self.teams = {team.id: team for team in teams_of(organization_id, include_archived=True)}
        self.children: dict[int | None, list[Team]] = {}
        for team in self.teams.values():
            self.children.setdefault(team.parent_id, []).append(team)

    def descendants(self, team: Team) -> list[Team]:
        """Every team below ``team``, deepest first, so deletes never orphan a row."""
        found: list[Team] = []
        for child in self.children.get(team.id, []):
            found.extend(self.descendants(child))
            found.append(child)
        return found


def removal_plan(team: Team) -> RemovalPlan:
    tree = _Tree(team.organization_id)
    below = tree.descendants(team)
    history = teams_with_history([team.id, *(child.id for child in below)])
    with_it = [
        Fate(child, child.id in history)
        for child in below
        # An archived team with history stays as it is: nothing to say about it.
        if child.archived_at is None or child.id not in history
    ]
    return RemovalPlan(
        team=team,
        archive=team.id in history,
        sub_teams=[child for child in tree.children.get(team.id, []) if child.archived_at is None],
        new_parent=tree.teams.get(team.parent_id) if team.parent_id is not None else None,
        with_it=with_it,
    )


@dataclass
class Removal:
    """What a removal did, by team name, for the message to the person."""

    archived: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)


def remove_team(team: Team, choice: SubTeams | None) -> Removal:
    """Archive ``team`` if it has history, else delete it; its sub-teams as ``choice`` says.

    Nothing is lifted silently: with active sub-teams ``choice`` is required.
    Archived sub-teams of a deleted team move to its nearest surviving
    ancestor instead of being set loose by ON DELETE SET NULL. Every check comes
    before the first change, and the whole removal is committed here as one
    transaction: a refusal leaves nothing to roll back.
    """
    if team.archived_at is not None:
        raise OrganizationError("This team is already archived.", "children")
    plan = removal_plan(team)
    if plan.sub_teams and choice is None:
        raise OrganizationError(CHOOSE_SUB_TEAMS, "children")
    removal = Removal()
    fates = [Fate(team, plan.archive)]
    if choice is SubTeams.WITH_IT:
        fates.extend(plan.with_it)
    else:
        for child in plan.sub_teams:
            child.parent_id = team.parent_id
            removal.moved.append(child.name)
    _apply(team.organization_id, fates, removal)
    db.session.commit()
    return removal


def _apply(organization_id: int, fates: list[Fate], removal: Removal) -> None:
    now = utcnow()
    doomed = {fate.team.id for fate in fates if not fate.archive}
    _reparent_survivors(organization_id, doomed)
    for fate in fates:
        if fate.archive:
            fate.team.archived_at = now
            removal.archived.append(fate.team.name)
    # ``fates`` lists the removed team first, then its descendants deepest first:
    # delete the descendants, then the team, so children always go before parents.
    for fate in [*fates[1:], fates[0]]:
        if not fate.archive:
            db.session.delete(fate.team)
            removal.deleted.append(fate.team.name)
    db.session.flush()


def _reparent_survivors(organization_id: int, doomed: set[int]) -> None:
    """Put each kept team whose parent is about to be deleted under its nearest kept ancestor."""
    if not doomed:
        return
    tree = _Tree(organization_id)
    for team in tree.teams.values():
        if team.id in doomed or team.parent_id not in doomed:
            continue
        parent_id = team.parent_id
        while parent_id in doomed:
            parent_id = tree.teams[parent_id].parent_id
        team.parent_id = parent_id


def restore_team(team: Team) -> Team | None:
    """Make an archived team active again; the archived parent it was lifted from, if any.

    An active team never sits under an archived one (pickers would not offer
    the parent), so a team whose parent is still archived comes back at the top
    level. Committed here: it is one change, complete on its own.
    """
    if team.archived_at is None:
        raise OrganizationError(f"Team {team.name!r} is not archived.")
    team.archived_at = None
    parent = db.session.get(Team, team.parent_id) if team.parent_id is not None else None
    lifted_from = parent if parent is not None and parent.archived_at is not None else None
    if lifted_from is not None:
        team.parent_id = None
    db.session.commit()
    return lifted_from


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
    errors.extend(_paste_problems(organization.id, rows, existing))
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


def _paste_problems(
    organization_id: int, rows: list[TeamLine], existing: dict[str, Team]
) -> list[LineError]:
    """Lines naming unknown or archived teams, or a team as its own parent."""
    # Archived names stay taken (the unique constraint) and archived teams take no
    # new sub-teams, so a paste naming one is refused with the reason.
    archived = {team.name.lower(): team.name for team in archived_teams_of(organization_id)}
    pasted = {row.name.lower() for row in rows}
    errors: list[LineError] = []
    for row in rows:
        parent = row.parent.lower() if row.parent else None
        if row.name.lower() in archived:
            errors.append(LineError(row.line, archived_name_message(archived[row.name.lower()])))
        if parent in archived:
            errors.append(
                LineError(row.line, f"Parent team {row.parent!r} is archived: restore it first.")
            )
        elif parent and parent not in existing and parent not in pasted:
            errors.append(LineError(row.line, f"Parent team {row.parent!r} does not exist."))
        if parent and parent == row.name.lower():
            errors.append(LineError(row.line, "A team cannot be its own parent."))
    return errors


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
