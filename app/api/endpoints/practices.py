"""The leadership-practices 360: the leadership team and a leader's report."""

from __future__ import annotations

from flask import abort
from werkzeug.wrappers import Response

from app.access import initiative_access
from app.api.auth import api_user
from app.api.openapi import Operation, Query, documented
from app.api.responses import answer
from app.api.schemas.base import Items
from app.api.schemas.practices import Leader, LeaderPractices, in_progress_of, leader_of
from app.routing import id_arg
from app.services import practices


@documented(
    Operation(
        "The leadership team (executives) of the initiative's organisation, for the 360",
        [Items[Leader]],
        description="Consultants and site admins get every executive of the organisation, "
        "with or without a 360; an executive gets only themself.",
    )
)
def list_leaders(initiative_id: int) -> Response:
    initiative, access = initiative_access(api_user(), initiative_id)
    leaders = practices.executives_of(initiative.organization_id)
    if not access.can_manage:
        leaders = [leader for leader in leaders if leader.id == api_user().id]
    latest = practices.latest_cycles(initiative.id)
    return answer(Items[Leader](items=[leader_of(lead, latest.get(lead.id)) for lead in leaders]))


@documented(
    Operation(
        "A leader's five practices, self vs observers, from their latest closed 360",
        [LeaderPractices],
        description="Visible to the leader themself and to consultants and site admins of "
        "the cycle's organisation; anyone else, fellow executives included, gets 404. "
        "Observer figures are published only when a cycle is closed: while the latest cycle "
        "is open, the newest closed one is reported (in_progress tells how many observers "
        "answered the open one), or every observer figure and count is null when none is "
        "closed. The self-assessment of an open cycle is shown to the leader only. "
        "Observer figures are also null when fewer than min_observers answered.",
        query=[
            Query(
                "cycle",
                {"type": "integer"},
                "a particular 360 of this leader instead of the latest closed one; figures "
                "null while it is open",
            )
        ],
    )
)
def leader_practices(leader_id: int) -> Response:
    """The leader's latest 360 the caller may see (or ``?cycle=<id>``); 404 for anyone else.

    Observer figures come only from a closed cycle (app/services/practices says why):
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
    progress = in_progress_of(in_progress, answered[in_progress.id].observers if in_progress else 0)
    return answer(LeaderPractices.of(cycle, report, answered[cycle.id].observers, progress))
