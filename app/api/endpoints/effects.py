"""Did the action work? Every done action of an initiative with its effect, newest first."""

from __future__ import annotations

from datetime import date

from werkzeug.wrappers import Response

from app.access import initiative_access
from app.api.auth import api_user
from app.api.openapi import Operation, Query, documented
from app.api.responses import answer, date_arg
from app.api.schemas.base import Items
from app.api.schemas.effects import ActionEffect
from app.services.effects import effects_for_initiative


@documented(
    Operation(
        "Did the actions work? Each done action against the teams it did not touch",
        [Items[ActionEffect]],
        description='Every done step action and dated "you said, we did" entry of the '
        "initiative, newest first, as their pages show them: for each measure tied to its "
        "Kotter step (the headline adoption metric, the step's pulse dimensions), the "
        "touched teams' change minus the other teams' change (a difference in differences) "
        "with its 95% interval and n, or why there is none yet. Adoption follows the "
        "small-team rule and pulse figures come from published, shown groups only. With "
        "?since= only those done on or after that day; a since that is not a date is 400.",
        query=[
            Query(
                "since",
                {"type": "string", "format": "date"},
                "YYYY-MM-DD: only actions done on or after that day",
            )
        ],
        errors={400: "since is not a date written YYYY-MM-DD"},
    )
)
def initiative_effects(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    since = date_arg("since")
    found = effects_for_initiative(initiative, date.today(), since=since)
    return answer(Items[ActionEffect](items=[ActionEffect.of(effect) for effect in found]))
