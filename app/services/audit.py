"""The audit log: one ``record`` call per administrative action, in the action's transaction.

``record`` only adds the row; the service that performs the action commits it
with its own work, so an action and its audit entry are stored together or not
at all.
"""

from __future__ import annotations

from typing import Any

from models import AuditEvent, Organization, User, db


def record(
    action: str,
    summary: str,
    *,
    actor: User | None,
    organization: Organization | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit entry for ``action`` (a short dotted key such as ``member.role_changed``)."""
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
