"""JSON endpoints. Each one reuses the same access rules and services as the pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import initiative_access, organization_access, visible_organizations
from app.api.auth import api_user, authenticate_bearer
from app.api.openapi import openapi_document
from app.services import organizations, stages
from models import Initiative, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def require_token() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return authenticate_bearer()


def items(rows: list[dict[str, Any]]) -> Response:
    return jsonify(items=rows)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/organizations")
def list_organizations() -> Response:
    rows = db.session.scalars(visible_organizations(api_user())).all()
    return items([{"id": org.id, "name": org.name} for org in rows])


@bp.get("/organizations/<int:organization_id>/initiatives")
def list_initiatives(organization_id: int) -> Response:
    organization_access(api_user(), organization_id)
    rows = db.session.scalars(
        select(Initiative)
        .where(Initiative.organization_id == organization_id)
        .order_by(Initiative.start_date, Initiative.id)
    ).all()
    return items([initiative_json(initiative) for initiative in rows])


def initiative_json(initiative: Initiative) -> dict[str, Any]:
    return {
        "id": initiative.id,
        "name": initiative.name,
        "crm": initiative.crm_product,
        "start_date": initiative.start_date.isoformat(),
        "go_live_date": initiative.go_live_date.isoformat() if initiative.go_live_date else None,
        "licensed_seats": initiative.licensed_seats,
    }


@bp.get("/initiatives/<int:initiative_id>/teams")
def list_teams(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    return items(
        [
            {"id": t.id, "name": t.name, "parent_id": t.parent_id, "headcount": t.headcount}
            for t in organizations.teams_of(initiative.organization_id)
        ]
    )


@bp.get("/initiatives/<int:initiative_id>/stages")
def initiative_stages(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    overview = stages.stage_overview(initiative)
    db.session.commit()  # the eight steps are created on first use
    return jsonify(
        stages=[
            {
                "key": row.step.key,
                "position": row.step.position,
                "name": row.step.name,
                "status": row.stage.status,
                "owner": row.owner_name,
                "owner_id": row.stage.owner_id,
                "target_date": row.stage.target_date.isoformat() if row.stage.target_date else None,
                "evidence_done": row.evidence_done,
                "evidence_total": row.evidence_total,
                "leader_mean": round(row.leaders.mean, 2) if row.leaders.mean is not None else None,
                "leader_spread": row.leaders.spread,
                "leader_sd": round(row.leaders.sd, 2) if row.leaders.sd is not None else None,
                "leader_n": row.leaders.n,
                "leader_disagreement": row.leaders.disagreement,
                "open_actions": row.open_actions,
                "overdue_actions": row.overdue_actions,
            }
            for row in overview.rows
        ],
        warnings=[
            {"stage": w.stage, "earlier": w.earlier, "message": w.message}
            for w in overview.warnings
        ],
        latest_round=(
            {
                "id": overview.latest_round.id,
                "name": overview.latest_round.name,
                "held_on": overview.latest_round.held_on.isoformat(),
            }
            if overview.latest_round
            else None
        ),
    )
