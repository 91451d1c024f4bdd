"""Where is the rollout stalling: the dashboard's diagnosis, for the caller's audience."""

from __future__ import annotations

from werkzeug.wrappers import Response

from app.access import initiative_access
from app.api.auth import api_user
from app.api.openapi import Operation, documented
from app.api.responses import answer
from app.api.schemas.base import CONSULTANT, EXECUTIVE
from app.api.schemas.diagnosis import Diagnosis
from app.services.diagnosis import diagnose


@documented(
    Operation(
        "Where the rollout is stalling: step health, the stall point, leaders-versus-staff "
        "gaps and the findings (the dashboard's diagnosis)",
        [Diagnosis],
    )
)
def initiative_diagnosis(initiative_id: int) -> Response:
    initiative, access = initiative_access(api_user(), initiative_id)
    audience = CONSULTANT if access.can_manage else EXECUTIVE
    return answer(Diagnosis.of(diagnose(initiative)), audience=audience)
