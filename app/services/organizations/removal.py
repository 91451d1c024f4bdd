"""Removing a team (archived when it has history, else deleted) and restoring an archived one."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, union

from app.services import audit
from app.services.errors import ServiceError
from app.services.organizations.teams import teams_of
from app.services.transaction import commit
from models import (
    AnswerTally,
    Campaign,
    CampaignTeam,
    Initiative,
    Observation,
    Organization,
    PersonalLink,
    PublishedGroup,
    Response,
    ResponseTally,
    Survey,
    SurveyAction,
    Team,
    TeamLink,
    User,
    db,
)
from models.base import utcnow

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

# Lazy: the removal form shows it too; str() it where it is raised.
CHOOSE_SUB_TEAMS = _l("Choose what happens to its sub-teams: move them up, or remove them with it.")


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


def remove_team(team: Team, choice: SubTeams | None, *, actor: User | None = None) -> Removal:
    """Archive ``team`` if it has history, else delete it; its sub-teams as ``choice`` says.

    Nothing is lifted silently: with active sub-teams ``choice`` is required.
    Archived sub-teams of a deleted team move to its nearest surviving
    ancestor instead of being set loose by ON DELETE SET NULL. Every check comes
    before the first change, and the whole removal is committed here as one
    transaction: a refusal leaves nothing to roll back.
    """
    if team.archived_at is not None:
        raise ServiceError(_("This team is already archived."))
    plan = removal_plan(team)
    if plan.sub_teams and choice is None:
        raise ServiceError(str(CHOOSE_SUB_TEAMS), "children")
    removal = Removal()
    fates = [Fate(team, plan.archive)]
    if choice is SubTeams.WITH_IT:
        fates.extend(plan.with_it)
    else:
        for child in plan.sub_teams:
            child.parent_id = team.parent_id
            removal.moved.append(child.name)
    name, organization = team.name, db.session.get(Organization, team.organization_id)
    _apply(team.organization_id, fates, removal)
    audit.record(
        "team.removed",
        f"{'Archived' if name in removal.archived else 'Deleted'} team {name}",
        actor=actor,
        organization=organization,
        details={
            "archived": len(removal.archived),
            "deleted": len(removal.deleted),
            "moved": len(removal.moved),
        },
    )
    commit()
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
        parent_id: int | None = team.parent_id
        while parent_id is not None and parent_id in doomed:
            parent_id = tree.teams[parent_id].parent_id
        team.parent_id = parent_id


def restore_team(team: Team, *, actor: User | None = None) -> Team | None:
    """Make an archived team active again; the archived parent it was lifted from, if any.

    An active team never sits under an archived one (pickers would not offer
    the parent), so a team whose parent is still archived comes back at the top
    level. Committed here: it is one change, complete on its own.
    """
    if team.archived_at is None:
        raise ServiceError(_("Team %(name)s is not archived.", name=repr(team.name)))
    team.archived_at = None
    parent = db.session.get(Team, team.parent_id) if team.parent_id is not None else None
    lifted_from = parent if parent is not None and parent.archived_at is not None else None
    if lifted_from is not None:
        team.parent_id = None
    audit.record(
        "team.restored",
        f"Restored team {team.name}",
        actor=actor,
        organization=db.session.get(Organization, team.organization_id),
        details={"team_id": team.id},
    )
    commit()
    return lifted_from
