"""Who may open which 360 page: the leader, the organisation's consultants, site admins.

Outsiders and fellow executives get 404 for a leader's report, so that nobody
learns whose 360 exists.
"""

from __future__ import annotations

from flask import abort

from app.access import OrgAccess, initiative_access
from app.services import practices
from models import Initiative, PracticeCycle, User


def cycle_access(
    user: User, cycle_id: int, *, manage: bool = False
) -> tuple[PracticeCycle, Initiative, OrgAccess]:
    """The cycle within the user's organisations: 404 outside them, 403 if ``manage`` is refused."""
    cycle = practices.get_cycle(cycle_id)
    if cycle is None:
        abort(404)
    initiative, access = initiative_access(user, cycle.initiative_id, manage=manage)
    return cycle, initiative, access


def report_access(user: User, cycle_id: int) -> tuple[PracticeCycle, Initiative, OrgAccess]:
    """The cycle if ``user`` may read its report; 404 otherwise, fellow executives included."""
    cycle, initiative, access = cycle_access(user, cycle_id)
    if not practices.may_see_report(user, cycle, access.organization.id):
        abort(404)
    return cycle, initiative, access


def own_cycle(user: User, cycle_id: int) -> tuple[PracticeCycle, Initiative, OrgAccess]:
    """The cycle if ``user`` is its leader: only they rate themself (a consultant gets 403)."""
    cycle, initiative, access = cycle_access(user, cycle_id)
    if cycle.leader_id != user.id:
        abort(403 if access.can_manage else 404)
    return cycle, initiative, access
