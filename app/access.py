"""Who may see and change what. Safe by default: outsiders get 404, never a hint.

A user sees only the organisations they belong to; site admins see all of them
and act as consultants there. Consultants manage; executives read and take part.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort
from flask_login import login_required
from sqlalchemy import Select, select

from models import Initiative, Membership, Organization, Role, Survey, Team, User, db


def members_only(bp: Blueprint) -> None:
    """Every route of ``bp`` needs a logged-in user; anonymous visitors go to the login page."""
    bp.before_request(login_required(lambda: None))


@dataclass(frozen=True)
class OrgAccess:
    organization: Organization
    role: Role | None
    is_admin: bool

    @property
    def can_manage(self) -> bool:
        return self.is_admin or self.role is Role.CONSULTANT


def role_in(user: User, organization_id: int) -> Role | None:
    return db.session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.organization_id == organization_id
        )
    )


def organization_access(user: User, organization_id: int, *, manage: bool = False) -> OrgAccess:
    """The organisation and the user's rights in it: 404 outside it, 403 if it may not change it."""
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        abort(404)
    role = role_in(user, organization_id)
    if role is None and not user.is_admin:
        abort(404)
    access = OrgAccess(organization, role, user.is_admin)
    if manage and not access.can_manage:
        abort(403)
    return access


def initiative_access(
    user: User, initiative_id: int, *, manage: bool = False
) -> tuple[Initiative, OrgAccess]:
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None:
        abort(404)
    return initiative, organization_access(user, initiative.organization_id, manage=manage)


def team_access(user: User, team_id: int, *, manage: bool = False) -> tuple[Team, OrgAccess]:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    return team, organization_access(user, team.organization_id, manage=manage)


def survey_access(
    user: User, survey_id: int, *, manage: bool = False
) -> tuple[Survey, Initiative, OrgAccess]:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    initiative, access = initiative_access(user, survey.initiative_id, manage=manage)
    return survey, initiative, access


def visible_organizations(user: User) -> Select[Organization]:
    query = select(Organization).order_by(Organization.name)
    if user.is_admin:
        return query
    return query.join(Membership).where(Membership.user_id == user.id)
