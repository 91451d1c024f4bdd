"""Who receives the Monday digest: one choice per organisation, on the account page."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.services.transaction import commit
from models import Membership, Organization, User, db


def digest_choices(user: User) -> list[tuple[Organization, bool]]:
    """Each organisation ``user`` belongs to (by name), and whether the digest is on."""
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id)
        .options(joinedload(Membership.organization))
    ).all()
    chosen = [(m.organization, m.weekly_digest) for m in memberships]
    return sorted(chosen, key=lambda pair: (pair[0].name.lower(), pair[0].id))


def set_digest(user: User, organization_ids: Collection[int]) -> int:
    """Turn the digest on for those of ``user``'s organisations, off for the others.

    Ids of organisations the user does not belong to are ignored. Returns how many
    organisations now send it.
    """
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    on = 0
    for membership in memberships:
        membership.weekly_digest = membership.organization_id in organization_ids
        on += membership.weekly_digest
    commit()
    return on
