"""Storing a pulse's answers: one transaction, committed here, anonymous.

The answer form (``app.pulse.forms``) is built from the pulse's items and
checks every value before anything reaches this module; the names of its
fields are fixed here because bookmarked pages and the benchmarks post them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.services.pulse.links import forget_link
from app.services.pulse.pulses import LinkState, Pulse
from app.services.responses import (
    CampaignClosed,
    LinkAlreadyUsed,
    claim_personal_link,
    record_response,
)
from app.services.transaction import commit
from models import db
from models.base import utcnow

# Inputs are named "item-<key>", so a key that is not in the pulse is recognisable.
ITEM_PREFIX = "item-"
COMMENT_FIELD = "comment"
MAX_COMMENT = 2000


def submit(
    pulse: Pulse,
    answers: Mapping[str, int],
    comment: str | None,
    today: date,
    language: str | None = None,
) -> None:
    """Store checked answers to an open pulse, committed.

    For a personal link the claim comes first, in the same transaction: a
    replayed or racing submission raises ``LinkAlreadyUsed`` before anything
    is written. The answer is written only if the campaign is still open at
    the moment of writing (``CampaignClosed``; this worker's copy of a team
    link is then dropped, as it may be out of date). Either way the
    transaction is rolled back before the error goes on.

    ``language`` is the language the form was read in, kept with the response
    (and nothing else about the respondent) so a translation that reads
    differently can be spotted; results ignore it.
    """
    if pulse.campaign_id is None or pulse.state is not LinkState.OPEN:
        raise ValueError("only an answer to an open pulse can be stored")
    try:
        if pulse.personal_link_id is not None:
            claim_personal_link(pulse.personal_link_id, today)
        record_response(
            pulse.campaign_id,
            pulse.team_id,
            answers,
            comment,
            today,
            now=utcnow(),
            version_id=pulse.version_id,
            team_link=None if pulse.is_personal else pulse.code,
            language=language,
        )
    except (LinkAlreadyUsed, CampaignClosed) as error:
        db.session.rollback()
        if isinstance(error, CampaignClosed):
            forget_link(pulse.code)
        raise
    commit()
