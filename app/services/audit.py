"""The audit log: one ``record`` call per administrative action, in the action's transaction.

``record`` only adds the row; the service that performs the action commits it
with its own work, so an action and its audit entry are stored together or not
at all. A read that is audited (the raw-answers export) is the one exception to
"a GET never writes": ``record_read`` stores its entry on its own, because who
downloaded raw answers is exactly what the log is for.

An entry names the actor, the organisation and the object; its ``details`` hold
ids and counts only, never an answer, a comment or a group's figure. The actor
is None for what the system does by itself (the tick, the demo, the CLI).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Select, select

from app.services.results.exports import csv_cell
from app.services.transaction import commit
from models import AuditEvent, Initiative, Organization, User, db
from survey.languages import N_

# Every action key with the label the log's filter shows; a key missing here is
# shown as it is (so an entry written by a newer version still reads). Labels are
# marked for the catalogues and translated where the log page shows them.
ACTIONS: dict[str, str] = {
    "organization.created": N_("Organisation created"),
    "organization.deleted": N_("Organisation deleted"),
    "account.created": N_("Account created"),
    "invitation.created": N_("Invitation created"),
    "invitation.accepted": N_("Invitation accepted"),
    "member.removed": N_("Member removed"),
    "team.removed": N_("Team archived or deleted"),
    "team.restored": N_("Team restored"),
    "teams.imported": N_("Teams imported"),
    "metrics.imported": N_("Metrics imported"),
    "campaign.closed": N_("Campaign closed"),
    "campaign.cancelled": N_("Campaign cancelled"),
    "cycle.closed": N_("360 closed"),
    "answers.exported": N_("Raw answers exported"),
    "links.exported": N_("Unused personal links exported"),
    "survey_action.deleted": N_("“You said, we did” entry deleted"),
    "evidence.removed": N_("Evidence removed"),
    "api_token.created": N_("API token created"),
}


def record(
    action: str,
    summary: str,
    *,
    actor: User | None,
    organization: Organization | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit entry for ``action`` (a short dotted key such as ``member.removed``)."""
    event = AuditEvent(
        action=action,
        summary=summary[:500],
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else None,
        organization_id=organization.id if organization is not None else None,
        organization_name=organization.name if organization is not None else None,
        details=details,
    )
    db.session.add(event)
    return event


def record_read(
    action: str,
    summary: str,
    *,
    actor: User | None,
    organization: Organization | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """``record`` for an audited read (an export), committed at once: nothing else is written."""
    event = record(action, summary, actor=actor, organization=organization, details=details)
    commit()
    return event


def organization_of(initiative_id: int) -> Organization | None:
    """The organisation an initiative's object belongs to, for its entry."""
    initiative = db.session.get(Initiative, initiative_id)
    return initiative.organization if initiative is not None else None


def label(action: str) -> str:
    return ACTIONS.get(action, action)


def events_query(organization_id: int | None, action: str | None = None) -> Select[Any]:
    """Entries newest first: one organisation's, or every one (``None``, for site admins)."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if organization_id is not None:
        query = query.where(AuditEvent.organization_id == organization_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return query


def actions_logged(organization_id: int | None) -> list[tuple[str, str]]:
    """The action kinds present in the scope, as (key, label), for the filter."""
    query = select(AuditEvent.action).distinct()
    if organization_id is not None:
        query = query.where(AuditEvent.organization_id == organization_id)
    return sorted(((key, label(key)) for key in db.session.scalars(query)), key=lambda kv: kv[1])


_CSV_HEADER = ("when_utc", "organization", "actor", "action", "summary")


def events_csv(query: Select[Any]) -> str:
    """The entries of ``query`` as CSV, every cell neutralised for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_HEADER)
    for event in db.session.scalars(query):
        writer.writerow(
            csv_cell(cell)
            for cell in (
                f"{event.created_at:%Y-%m-%d %H:%M:%S}",
                event.organization_name or "",
                event.actor_email or "system",
                event.action,
                event.summary,
            )
        )
    return out.getvalue()
