"""Who belongs to an organisation, in which role, and inviting or removing them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from app.services import accounts, audit
from app.services.errors import ServiceError
from app.services.transaction import commit
from models import Invitation, Membership, Organization, Role, Team, User, db


def members_of(organization_id: int) -> list[tuple[User, Role]]:
    return list(
        db.session.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization_id)
            .order_by(User.name)
        )
    )


def is_member(organization_id: int, user_id: int) -> bool:
    return db.session.get(Membership, (user_id, organization_id)) is not None


def invite_member(
    organization: Organization, email: str, role: Role, invited_by: User
) -> tuple[Invitation, str]:
    """An invitation, committed, and the secret token for its link (shown once)."""
    invitation, token = accounts.create_invitation(organization, email, role, invited_by)
    audit.record(
        "invitation.created",
        f"Invited {invitation.email} as {role.value}",
        actor=invited_by,
        organization=organization,
        details={"invitation_id": invitation.id},
    )
    commit()
    return invitation, token


def remove_member(organization: Organization, user: User, *, actor: User | None = None) -> None:
    """Take ``user`` out of ``organization``, committed; the last consultant stays."""
    membership = db.session.get(Membership, (user.id, organization.id))
    if membership is None:
        raise ServiceError(
            _(
                "%(name)s is not a member of %(organization)s.",
                name=user.name,
                organization=organization.name,
            )
        )
    consultants = db.session.scalar(
        select(func.count()).where(
            Membership.organization_id == organization.id, Membership.role == Role.CONSULTANT
        )
    )
    if membership.role is Role.CONSULTANT and consultants == 1:
        raise ServiceError(_("The last consultant cannot be removed; add another one first."))
    db.session.execute(
        delete(Membership).where(
            Membership.organization_id == organization.id, Membership.user_id == user.id
        )
    )
    # Someone who left leads none of its teams any more.
    db.session.execute(
        update(Team)
        .where(Team.organization_id == organization.id, Team.leader_id == user.id)
        .values(leader_id=None)
    )
    audit.record(
        "member.removed",
        f"Removed {user.email} ({membership.role.value}) from {organization.name}",
        actor=actor,
        organization=organization,
        details={"user_id": user.id},
    )
    commit()
