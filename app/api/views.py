"""JSON endpoints. Each one reuses the same access rules and services as the pages."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, jsonify, make_response, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import initiative_access, organization_access, visible_organizations
from app.api.auth import api_user, authenticate_bearer
from app.api.diagnosis import diagnosis_json, projection_json
from app.api.openapi import openapi_document
from app.routing import LARGEST_ID, as_id, id_arg
from app.services import metrics, organizations, practices, stages, surveys
from app.services import results as results_service
from app.services.diagnosis import diagnose
from app.services.outlooks import outlook_of
from models import Initiative, Metric, PracticeCycle, Team, db
from survey.practice_scoring import PracticeReport
from survey.practices import PRACTICES
from survey.scoring import rounded

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
    # Active teams only: archived ones are history, not something to ask or report on anew.
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


# --- Leadership practices 360 ------------------------------------------------------------


@bp.get("/initiatives/<int:initiative_id>/leaders")
def list_leaders(initiative_id: int) -> Response:
    """All executives of the organisation for consultants and admins; an executive sees only
    themself, as on the pages. ``cycle_id`` is the latest 360 in this initiative, or null."""
    initiative, access = initiative_access(api_user(), initiative_id)
    leaders = practices.executives_of(initiative.organization_id)
    if not access.can_manage:
        leaders = [leader for leader in leaders if leader.id == api_user().id]
    latest = practices.latest_cycles(initiative.id)
    return items(
        [
            {"id": leader.id, "name": leader.name, "cycle_id": _id_or_none(latest.get(leader.id))}
            for leader in leaders
        ]
    )


def _id_or_none(cycle: PracticeCycle | None) -> int | None:
    return cycle.id if cycle else None


@bp.get("/leaders/<int:leader_id>/practices")
def leader_practices(leader_id: int) -> Response:
    """The leader's latest 360 the caller may see (or ``?cycle=<id>``); 404 for anyone else.

    Observer figures come only from a closed cycle (app/services/practices.py says why):
    while the latest is open, the newest closed one is reported, and ``in_progress``
    says how many observers have answered the open one; with none closed, nulls.
    """
    cycle_id = id_arg("cycle")
    visible = practices.visible_cycles_of_leader(api_user(), leader_id)
    if cycle_id is not None:
        visible = [cycle for cycle in visible if cycle.id == cycle_id]
    if not visible:
        abort(404)
    latest = visible[0]
    cycle = latest if cycle_id is not None else practices.published_cycle(visible) or latest
    in_progress = latest if latest.closed_at is None and latest is not cycle else None
    answered = practices.participation([c for c in (cycle, in_progress) if c is not None])
    report = practices.report_for(cycle, practices.min_observers(), api_user())
    body = practices_json(cycle, report, answered[cycle.id].observers)
    body["in_progress"] = (
        {
            "id": in_progress.id,
            "opened_at": in_progress.created_at.isoformat(),
            "observers_answered": answered[in_progress.id].observers,
        }
        if in_progress
        else None
    )
    return jsonify(body)


def _by_practice(scores: tuple[float, ...] | None) -> dict[str, float] | None:
    if scores is None:
        return None
    return {p.key: round(score, 2) for p, score in zip(PRACTICES, scores, strict=True)}


def practices_json(cycle: PracticeCycle, report: PracticeReport, answered: int) -> dict[str, Any]:
    """The report as JSON: observer figures are null wherever the pages hide them.

    For an open cycle the report holds no observer figure, and every count of
    observers but the total ``answered`` is null too (a group count would tell
    which group the latest observer is in).
    """
    published = cycle.closed_at is not None
    observer_n = report.observer_n if published else None
    return {
        "leader": {"id": cycle.leader.id, "name": cycle.leader.name},
        "min_observers": report.min_observers,
        "cycle": {
            "id": cycle.id,
            "initiative_id": cycle.initiative_id,
            "opened_at": cycle.created_at.isoformat(),
            "closed": published,
            "closed_at": cycle.closed_at.isoformat() if cycle.closed_at else None,
            "observers_answered": answered,
        },
        "observer_n": observer_n,
        "observers_needed": report.observers_needed if published else None,
        "practices": [
            {
                "key": score.practice.key,
                "name": score.practice.name,
                "self": score.self_score,
                "observers": rounded(score.observers),
                "observer_n": observer_n,
                "gap": rounded(score.gap),
                "flag": score.flag,
            }
            for score in report.practices
        ],
        "groups": [
            {
                "relationship": group.relationship,
                "n": group.n,
                "status": group.status,
                "observers_needed": group.observers_needed,
                "practices": _by_practice(group.practices),
            }
            for group in (report.groups if published else ())
        ],
        "pooled": (
            {
                "relationships": list(report.pooled.relationships),
                "n": report.pooled.n,
                "practices": _by_practice(report.pooled.practices),
            }
            if report.pooled
            else None
        ),
        "behaviours": [
            {
                "key": score.behaviour.key,
                "number": score.behaviour.number,
                "practice": score.behaviour.practice,
                "self": score.self_value,
                "observers": rounded(score.observers),
                "gap": rounded(score.gap),
                "flag": score.flag,
            }
            for score in report.behaviours
        ],
    }


# --- Adoption and customer metrics ---------------------------------------------------------


def metric_json(metric: Metric) -> dict[str, Any]:
    return {
        "key": metric.key,
        "name": metric.name,
        "unit": metric.unit,
        "direction": metric.direction,
        "target": metric.target,
        "target_date": metric.target_date.isoformat() if metric.target_date else None,
        "category": metric.category,
        "description": metric.description,
        "custom": not metric.is_default,
    }


@bp.get("/initiatives/<int:initiative_id>/metrics")
def list_metrics(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    catalogue = metrics.ensure_catalogue(initiative)
    db.session.commit()  # the default catalogue is created on first use
    return items([metric_json(metric) for metric in catalogue])


@bp.post("/initiatives/<int:initiative_id>/metrics")
def import_metrics(initiative_id: int) -> Response | tuple[Response, int]:
    """All or nothing: ``{"imported": n}``, or 422 with every bad row and nothing written."""
    initiative, _ = initiative_access(api_user(), initiative_id, manage=True)
    on_conflict = request.args.get("on_conflict", metrics.REJECT)
    if on_conflict not in metrics.ON_CONFLICT:
        return jsonify(error="on_conflict must be 'reject' or 'replace'."), 400
    if request.mimetype == "text/csv":
        body = io.TextIOWrapper(request.stream, encoding="utf-8-sig", newline="")
        plan = metrics.plan_tidy(initiative, body, on_conflict)
    elif request.is_json:
        plan = metrics.plan_json(initiative, request.get_json(silent=True), on_conflict)
    else:
        return jsonify(error="Send text/csv (date,team,metric,value) or application/json."), 415
    if plan.errors:
        db.session.rollback()
        rows = [{"line": error.line, "message": error.message} for error in plan.errors]
        return jsonify(error="Nothing was imported: fix the rows listed.", rows=rows), 422
    imported = metrics.apply_plan(plan)
    db.session.commit()
    return jsonify(imported=imported)


@bp.get("/initiatives/<int:initiative_id>/metrics/<key>")
def metric_series(initiative_id: int, key: str) -> Response:
    """The series, its recent trend and, with a target, the projection (docs/api.md)."""
    initiative, _ = initiative_access(api_user(), initiative_id)
    metrics.ensure_catalogue(initiative)
    db.session.commit()
    metric = metrics.metric_by_key(initiative, key)
    if metric is None:
        abort(404)
    team_id = _team_param(initiative)
    if team_id is not None and _below_threshold(team_id):
        # Per-team usage of a handful of people would say who does not use the CRM.
        return jsonify(
            metric=metric_json(metric), team_id=team_id, series=[], suppressed=True,
            trend=None, projected_target_date=None, projection_method=None, projection=None,
        )  # fmt: skip
    points = metrics.series(metric, team_id)
    trend, projection = outlook_of(
        metric, [point.period for point in points], [point.value for point in points]
    )
    return jsonify(
        metric=metric_json(metric),
        team_id=team_id,
        series=[{"date": point.period.isoformat(), "value": point.value} for point in points],
        trend=trend.label,
        projected_target_date=projection.reached_on.isoformat()
        if projection and projection.reached_on
        else None,
        projection_method=projection.method if projection else None,
        projection=projection_json(projection),
        suppressed=False,
    )


@bp.get("/initiatives/<int:initiative_id>/diagnosis")
def initiative_diagnosis(initiative_id: int) -> Response:
    """Where the rollout is stalling: the dashboard's diagnosis, for the caller's audience."""
    initiative, access = initiative_access(api_user(), initiative_id)
    found = diagnose(initiative)
    db.session.commit()  # the eight steps are created on first use
    return jsonify(diagnosis_json(found, consultant=access.can_manage))


def _below_threshold(team_id: int) -> bool:
    """Whether a team has fewer people than the reporting threshold (as on the dashboard)."""
    headcount = db.session.scalar(select(Team.headcount).where(Team.id == team_id)) or 0
    return bool(headcount < results_service.min_group_size())


def _team_param(initiative: Initiative) -> int | None:
    """``?team=<id>``: None when absent, 400 when not an id, 404 outside the organisation."""
    raw = request.args.get("team", "").strip()
    if not raw:
        return None
    team_id = as_id(raw)
    if team_id is None:
        abort(make_response(jsonify(error="team must be the id of a team."), 400))
    if metrics.team_of(initiative, team_id) is None:
        abort(404)
    return team_id


# --- Pulse-survey results ------------------------------------------------------------------


@bp.get("/initiatives/<int:initiative_id>/surveys")
def list_surveys(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    return items(
        [
            {
                "id": survey.id,
                "title": survey.title,
                "campaigns": [
                    {
                        "id": c.id,
                        "number": c.number,
                        "opens_at": c.opens_at.isoformat(),
                        "closes_at": c.closes_at.isoformat(),
                        "published": c.published,
                    }
                    for c in campaigns
                ],
            }
            for survey, campaigns in results_service.surveys_with_campaigns(initiative.id)
        ]
    )


# Campaigns per page of results: 200 teams make about 120 KB of JSON per campaign.
RESULTS_PER_PAGE = 4
RESULTS_MAX_PER_PAGE = 26


@bp.get("/surveys/<int:survey_id>/results")
def survey_results(survey_id: int) -> Response:
    """The results page's groups, of published campaigns only: hidden ones carry no count,
    no score and no eNPS.

    With ``?campaign=`` that campaign's groups; without, a page of published
    campaigns, newest first (``?page=``, ``?per_page=``), reading only that
    page's groups, with the next page's URL.
    """
    survey = surveys.get_survey(survey_id) or abort(404)
    initiative_access(api_user(), survey.initiative_id)
    campaign_id, team_id = id_arg("campaign"), id_arg("team")
    page = _page_arg("page", 1, None)
    per_page = _page_arg("per_page", RESULTS_PER_PAGE, RESULTS_MAX_PER_PAGE)
    if campaign_id is not None:
        try:
            found = results_service.survey_results(survey, campaign_id, team_id)
        except results_service.UnknownFilter:
            abort(404)
        return jsonify(
            min_group_size=found.min_group_size,
            min_comment_group_size=found.min_comment_group_size,
            groups=[group_json(group, found.min_group_size) for group in found.groups],
        )
    published = results_service.published_campaign_ids(survey.id)
    start = (page - 1) * per_page
    on_page = published[start : start + per_page]
    try:
        found = results_service.survey_results(survey, None, team_id, campaign_ids=on_page)
    except results_service.UnknownFilter:
        abort(404)
    by_campaign: dict[int, list[results_service.GroupResult]] = {c: [] for c in on_page}
    for group in found.groups:
        by_campaign[group.campaign_id].append(group)
    more = start + per_page < len(published)
    args = {"team": team_id} if team_id is not None else {}
    return jsonify(
        min_group_size=found.min_group_size,
        min_comment_group_size=found.min_comment_group_size,
        page=page,
        per_page=per_page,
        campaigns=on_page,
        next=url_for(
            "api.survey_results", survey_id=survey.id, page=page + 1, per_page=per_page, **args
        )
        if more
        else None,
        groups=[
            group_json(group, found.min_group_size)
            for campaign in on_page
            for group in by_campaign[campaign]
        ],
    )


def _page_arg(name: str, default: int, largest: int | None) -> int:
    """``?name=`` as a whole number from 1 (to ``largest``): the default when absent, else 400."""
    raw = request.args.get(name, "").strip()
    if not raw and name not in request.args:
        return default
    value = as_id(raw)
    top = largest if largest is not None else LARGEST_ID
    if value is None or not 1 <= value <= top:
        abort(
            make_response(
                jsonify(error=f"{name} must be a whole number from 1 to {top}."),
                400,
            )
        )
    return value


def group_json(group: results_service.GroupResult, min_size: int) -> dict[str, Any]:
    shown = not group.suppressed
    return {
        "team_id": group.team_id,
        "campaign_id": group.campaign_id,
        "name": group.name,
        "responses": group.responses if shown else None,
        "suppressed": not shown,
        "status": group.status.value,
        "reason": results_service.hidden_reason(group, min_size) or None,
        "headcount": group.headcount,
        "response_rate": rounded(group.response_rate) if shown else None,
        "dimensions": (
            [
                {"key": d.key, "mean": round(d.mean, 2), "favourable": round(d.favourable, 1)}
                for d in group.dimensions
            ]
            if shown
            else None
        ),
        "enps": round(group.enps, 1) if shown and group.enps is not None else None,
    }
