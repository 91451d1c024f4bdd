"""The audit log: who did which administrative action, newest first, filterable by kind.

Consultants (and site admins) read their organisation's log; executives get 403,
outsiders 404, as everywhere else (``organization_access``). Site admins also
read every organisation's entries together, including those of no organisation
(accounts, API tokens) and of deleted ones.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import OrgAccess, members_only, organization_access
from app.downloads import attachment
from app.pagination import paginate
from app.services import audit

bp = Blueprint("audit", __name__)
members_only(bp)


def _action() -> str | None:
    return request.args.get("action") or None


def _require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


def _label(action: str) -> str:
    """An action's label in the page's language (the stored entry stays English)."""
    return str(_(audit.label(action)))


def _render(access: OrgAccess | None) -> str:
    organization_id = access.organization.id if access is not None else None
    action = _action()
    scope = {"organization_id": organization_id} if organization_id is not None else {}
    return render_template(
        "audit/log.html",
        access=access,
        endpoint="audit.organization_log" if access is not None else "audit.all_log",
        csv_endpoint="audit.organization_csv" if access is not None else "audit.all_csv",
        scope=scope,
        args={**scope, "action": action} if action else scope,
        page=paginate(audit.events_query(organization_id, action), per_page=50),
        actions=[(key, _(text)) for key, text in audit.actions_logged(organization_id)],
        action=action,
        label=_label,
    )


def _csv(organization_id: int | None, name: str) -> Response:
    body = audit.events_csv(audit.events_query(organization_id, _action()))
    return attachment(body, f"audit-{name}-{date.today():%Y-%m-%d}.csv")


@bp.get("/orgs/<int:organization_id>/audit")
def organization_log(organization_id: int) -> str:
    return _render(organization_access(current_user, organization_id, manage=True))


@bp.get("/orgs/<int:organization_id>/audit.csv")
def organization_csv(organization_id: int) -> Response:
    access = organization_access(current_user, organization_id, manage=True)
    return _csv(access.organization.id, f"organization-{organization_id}")


@bp.get("/admin/audit")
def all_log() -> str:
    _require_admin()
    return _render(None)


@bp.get("/admin/audit.csv")
def all_csv() -> Response:
    _require_admin()
    return _csv(None, "all")
