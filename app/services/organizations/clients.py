"""Which client organisations exist, and opening a new one."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.services import accounts, audit
from app.services.errors import ServiceError
from app.services.transaction import commit
from models import Initiative, Organization, Role, User, db


def organization_by_name(name: str) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(func.lower(Organization.name) == name.strip().lower())
    )


def create_organization(name: str) -> Organization:
    """A new, empty organisation (flushed: callers such as the demo build on it)."""
    name = name.strip()
    if organization_by_name(name) is not None:
        raise ServiceError(
            _("An organisation called %(name)s already exists.", name=repr(name)), "name"
        )
    organization = Organization(name=name)
    db.session.add(organization)
    db.session.flush()
    return organization


def open_organization(
    name: str, consultant_email: str | None, opened_by: User
) -> tuple[Organization, str | None]:
    """Create an organisation with its lead consultant, committed as one action.

    An existing account joins at once; anyone else gets an invitation, whose
    secret token comes back (it is stored only hashed) for the link to copy.
    """
    organization = create_organization(name)
    token = None
    summary = f"Created organisation {organization.name}"
    if consultant_email:
        consultant = accounts.user_by_email(consultant_email)
        if consultant is not None:
            accounts.add_member(consultant, organization, Role.CONSULTANT)
            summary += f" with {consultant.email} as consultant"
        else:
            invitation, token = accounts.create_invitation(
                organization, consultant_email, Role.CONSULTANT, opened_by
            )
            summary += f" and invited {invitation.email} as consultant"
    audit.record("organization.created", summary, actor=opened_by, organization=organization)
    commit()
    return organization, token


def initiative_counts(organization_ids: list[int]) -> dict[int, int]:
    """Initiatives per organisation, in one query for a whole page of organisations."""
    rows = db.session.execute(
        select(Initiative.organization_id, func.count())
        .where(Initiative.organization_id.in_(organization_ids))
        .group_by(Initiative.organization_id)
    ).all()
    return {organization_id: count for organization_id, count in rows}
