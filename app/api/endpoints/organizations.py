"""Organisations, their initiatives and teams, and an initiative's eight steps."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import initiative_access, organization_access, visible_organizations
from app.api.auth import api_user
from app.api.openapi import Operation, documented
from app.api.responses import answer
from app.api.schemas.base import Items
from app.api.schemas.organizations import Initiative, Organization, Stages, Team
from app.services import organizations, stages
from models import Initiative as InitiativeRow
from models import db


@documented(
    Operation(
        "Organisations the caller belongs to (all of them for site admins)",
        [Items[Organization]],
    )
)
def list_organizations() -> Response:
    rows = db.session.scalars(visible_organizations(api_user())).all()
    return answer(Items[Organization](items=[Organization.of(org) for org in rows]))


@documented(Operation("CRM initiatives of an organisation", [Items[Initiative]]))
def list_initiatives(organization_id: int) -> Response:
    organization_access(api_user(), organization_id)
    rows = db.session.scalars(
        select(InitiativeRow)
        .where(InitiativeRow.organization_id == organization_id)
        .order_by(InitiativeRow.start_date, InitiativeRow.id)
    ).all()
    return answer(Items[Initiative](items=[Initiative.of(row) for row in rows]))


@documented(
    Operation(
        "Active teams of the initiative's organisation, with headcounts",
        [Items[Team]],
        description="Archived teams (kept only for their history) are left out.",
    )
)
def list_teams(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    teams = organizations.teams_of(initiative.organization_id)
    return answer(Items[Team](items=[Team.of(team) for team in teams]))


@documented(
    Operation("Kotter's eight steps with status, evidence, leaders' ratings and warnings", [Stages])
)
def initiative_stages(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    return answer(Stages.of(stages.stage_overview(initiative)))
