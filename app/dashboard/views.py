"""Where is it stalling? The executive dashboard, the consultant view, the summary, exports.

Every page and file here reads one :class:`~app.services.diagnosis.Diagnosis`;
each audience only chooses which of its fields to show. Members of the
organisation (executives, consultants, site admins) see the dashboard, the
summary and the exports; the consultant view, with the reliability figures,
the driver table and the leadership team's 360 finding, is for those who
manage (consultants and site admins), as the 360 team view is. Outsiders get 404.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import OrgAccess, initiative_access, members_only
from app.dashboard.charts import dashboard_charts
from app.dashboard.exports import findings_csv, findings_xlsx
from app.downloads import attachment
from app.routing import id_arg
from app.services.diagnosis import Diagnosis, diagnose
from app.services.diagnosis.shapes import Outlook
from app.services.effects import recent_effects
from app.services.results.groups import dimension_info, shown_reason
from insights.adoption.badges import Badge, target_badge
from insights.driver_words import format_p
from insights.health import HEALTH_WEIGHTS, STALL_HEALTH
from insights.kotter import STEPS, STEPS_BY_KEY
from models import Initiative

bp = Blueprint("dashboard", __name__)
members_only(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where on the dashboard each kind of finding has its evidence.
EVIDENCE_ANCHORS = {
    "stall": "steps",
    "skipped": "steps",
    "gap": "gaps",
    "barrier": "pulse",
    "resistance": "pulse",
    "adoption": "adoption",
    "hotspot": "teams",
    "driver": "teams",
    "actions": "overdue",
    "leadership": "leadership",
}
# The consultant view has the driver table and the leadership team's 360 on the page.
CONSULTANT_ANCHORS = EVIDENCE_ANCHORS | {"driver": "drivers"}


@bp.context_processor
def helpers() -> dict[str, object]:
    return {
        "steps": STEPS,
        "steps_by_key": STEPS_BY_KEY,
        "hidden_reason": shown_reason,
        "format_p": format_p,
        "stall_health": STALL_HEALTH,
        "health_weights": HEALTH_WEIGHTS,
        "dimension_info": dimension_info,
        "badge_for": badge_for,
    }


def badge_for(series: Outlook) -> Badge:
    """How far the series' latest value is from its target, which way, over how many weeks."""
    return target_badge(
        series.latest,
        series.target,
        higher_is_better=series.higher_is_better,
        unit=series.unit,
        trend=series.trend.label,
        weeks=series.trend.periods,
    )


def _diagnosis(
    initiative_id: int, *, manage: bool = False, every_series: bool = True
) -> tuple[Initiative, OrgAccess, Diagnosis]:
    """``every_series`` False: the pages that show one headline metric per team."""
    initiative, access = initiative_access(current_user, initiative_id, manage=manage)
    return initiative, access, diagnose(initiative, every_team_series=every_series)


def _page(template: str, initiative_id: int, *, manage: bool = False) -> str:
    initiative, access, found = _diagnosis(initiative_id, manage=manage, every_series=manage)
    chosen = id_arg("team")  # a team picked beside the ones that matter
    return render_template(
        template,
        initiative=initiative,
        access=access,
        diagnosis=found,
        chosen=chosen,
        charts=dashboard_charts(found, chosen),
        consultant=access.can_manage,
        anchors=CONSULTANT_ANCHORS if manage else EVIDENCE_ANCHORS,
        effects=recent_effects(initiative, found.today),
    )


@bp.get("/initiatives/<int:initiative_id>/dashboard")
def dashboard(initiative_id: int) -> str:
    return _page("dashboard/executive.html", initiative_id)


@bp.get("/initiatives/<int:initiative_id>/dashboard/consultant")
def consultant(initiative_id: int) -> str:
    return _page("dashboard/consultant.html", initiative_id, manage=True)


@bp.get("/initiatives/<int:initiative_id>/dashboard/summary")
def summary(initiative_id: int) -> str:
    initiative, access, found = _diagnosis(initiative_id, every_series=False)
    return render_template(
        "dashboard/summary.html", initiative=initiative, access=access, diagnosis=found
    )


@bp.get("/initiatives/<int:initiative_id>/dashboard/findings.csv")
def export_csv(initiative_id: int) -> Response:
    initiative, access, found = _diagnosis(initiative_id)
    body = findings_csv(found, consultant=access.can_manage)
    return attachment(body, f"initiative-{initiative.id}-findings.csv", "text/csv")


@bp.get("/initiatives/<int:initiative_id>/dashboard/findings.xlsx")
def export_xlsx(initiative_id: int) -> Response:
    initiative, access, found = _diagnosis(initiative_id)
    title = f"{access.organization.name} · {initiative.name}: where is it stalling?"
    body = findings_xlsx(found, consultant=access.can_manage, title=title)
    return attachment(body, f"initiative-{initiative.id}-findings.xlsx", XLSX)
