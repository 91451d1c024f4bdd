"""Where a person lands after logging in: the executive's Monday-morning shortcut."""

from __future__ import annotations

from sqlalchemy import select

from models import Initiative, Membership, Role, User, db


def landing_initiative(user: User) -> int | None:
    """The initiative whose dashboard an executive opens first, or None for the usual home.

    Only an executive of exactly one organisation that runs exactly one initiative
    lands on its dashboard: with more there is a choice to make, and consultants
    and site administrators work across organisations, so they keep the list.
    """
    if user.is_admin:
        return None
    roles = db.session.scalars(
        select(Membership.role).where(Membership.user_id == user.id).limit(2)
    ).all()
    if roles != [Role.EXECUTIVE]:
        return None
    ids = db.session.scalars(
        select(Initiative.id)
        .join(Membership, Membership.organization_id == Initiative.organization_id)
        .where(Membership.user_id == user.id)
        .limit(2)
    ).all()
    return ids[0] if len(ids) == 1 else None
