"""An organisation's team tree: which teams there are, and adding or changing one."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.routing import LARGEST_ID
from app.services.errors import ServiceError
from app.services.transaction import commit
from models import Membership, Organization, Team, db

# The same limit as the team form's; far above any real team, and within an INTEGER column.
MAX_HEADCOUNT = 1_000_000
# Lazy: the team form shows it too; str() it where it is raised.
CHOOSE_LEADER = _l("Choose the leader among the organisation's members, or nobody.")


def teams_of(organization_id: int, *, include_archived: bool = False) -> list[Team]:
    """The organisation's active teams: what every picker, import and new campaign offers.

    ``include_archived`` is for lookups that must recognise an archived team's
    name to say so, rather than call it unknown.
    """
    query = _teams_query(organization_id)
    if not include_archived:
        query = query.where(Team.archived_at.is_(None))
    return list(db.session.scalars(query))


def active_teams_query(organization_id: int) -> Select[Team]:
    """``teams_of`` as a query, for a list page to paginate (with each team's leader)."""
    return (
        _teams_query(organization_id)
        .where(Team.archived_at.is_(None))
        .options(selectinload(Team.leader))
    )


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


def team_totals(organization_id: int) -> dict[int, int]:
    """People in each active team with its active sub-teams, by team id.

    A team's headcount is its own people only; a parent's total is computed,
    never typed, so it cannot be read (or typed) twice."""
    rows = db.session.execute(
        select(Team.id, Team.parent_id, Team.headcount).where(
            Team.organization_id == organization_id, Team.archived_at.is_(None)
        )
    ).all()
    parents = {team_id: parent for team_id, parent, _ in rows}
    totals = {team_id: 0 for team_id in parents}
    for team_id, _parent, headcount in rows:
        seen: set[int] = set()
        current: int | None = team_id
        while current is not None and current in totals and current not in seen:
            totals[current] += headcount
            seen.add(current)
            current = parents.get(current)
    return totals


def _teams_query(organization_id: int) -> Select[Team]:
    return select(Team).where(Team.organization_id == organization_id).order_by(Team.name)


def archived_name_message(name: str) -> str:
    message: str = _(
        "An archived team is called %(name)s: restore it or choose another name.", name=repr(name)
    )
    return message


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
    *,
    leader_id: int | None = None,
) -> Team:
    """Add a team or change one, committed. Every check comes before the first change.

    ``leader_id``: the member who leads it (any role), None for nobody.
    """
    name = name.strip()
    if team is not None and team.archived_at is not None:
        raise ServiceError(_("This team is archived: restore it before changing it."))
    _check_name_free(organization.id, name, team)
    if parent_id is not None:
        _check_parent(organization.id, parent_id)
    if team is not None and would_make_cycle(team, parent_id):
        raise ServiceError(
            _("A team cannot sit inside itself or one of its own sub-teams."), "parent_id"
        )
    if leader_id is not None and (
        not 0 < leader_id <= LARGEST_ID
        or db.session.get(Membership, (leader_id, organization.id)) is None
    ):
        raise ServiceError(str(CHOOSE_LEADER), "leader_id")
    if team is None:
        team = Team(organization_id=organization.id)
        db.session.add(team)
    team.name = name
    team.headcount = headcount
    team.parent_id = parent_id
    team.leader_id = leader_id
    commit()
    return team


def _check_name_free(organization_id: int, name: str, team: Team | None) -> None:
    # The unique (organization_id, name) constraint covers archived teams too,
    # so their names stay taken; say why rather than "already exists".
    existing = team_by_name(organization_id, name)
    if existing is None or existing is team:
        return
    if existing.archived_at is not None:
        raise ServiceError(archived_name_message(existing.name), "name")
    raise ServiceError(_("A team called %(name)s already exists.", name=repr(name)), "name")


def _check_parent(organization_id: int, parent_id: int) -> None:
    parent = db.session.get(Team, parent_id)
    if parent is None or parent.organization_id != organization_id:
        raise ServiceError(_("Choose a parent team of this organisation."), "parent_id")
    if parent.archived_at is not None:
        raise ServiceError(
            _(
                "Team %(name)s is archived: restore it first or choose another parent.",
                name=repr(parent.name),
            ),
            "parent_id",
        )
