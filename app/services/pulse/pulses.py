"""What a pulse link opens, as plain values: ``Pulse`` and its ``LinkState``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from app.services.surveys.timing import Status, last_day_of, minutes_for, status_of
from survey.instruments import SCALES, TEXT, Item
from survey.languages import DEFAULT_LANGUAGE


class LinkState(StrEnum):
    OPEN = "open"
    SCHEDULED = "scheduled"
    CLOSED = "closed"
    USED = "used"


@dataclass(frozen=True)
class Pulse:
    """What a link opens, as plain values (safe to keep across a commit)."""

    code: str
    personal_link_id: int | None
    state: LinkState
    organization: str
    initiative: str
    survey_id: int
    title: str
    intro: str
    team_id: int
    team: str
    campaign_id: int | None = None
    # The survey version the campaign asks: the write checks it is still the one.
    version_id: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    items: tuple[Item, ...] = ()
    # The survey's default language: the page speaks it when the browser asks for
    # none of the staff languages, and an item without the page's language falls back to it.
    default_language: str = DEFAULT_LANGUAGE

    @property
    def is_personal(self) -> bool:
        return self.personal_link_id is not None

    @property
    def statements(self) -> list[Item]:
        return [item for item in self.items if item.scale in SCALES]

    @property
    def comment_item(self) -> Item | None:
        return next((item for item in self.items if item.scale == TEXT), None)

    @property
    def minutes(self) -> int:
        return minutes_for(len(self.statements))

    @property
    def last_day(self) -> date | None:
        return last_day_of(self.closes_at) if self.closes_at else None


LINK_STATES = {
    Status.OPEN: LinkState.OPEN,
    Status.SCHEDULED: LinkState.SCHEDULED,
    Status.CLOSED: LinkState.CLOSED,
}


def state_at(pulse: Pulse, now: datetime) -> Pulse:
    """A cached team pulse with its state at ``now``."""
    if pulse.opens_at is None or pulse.closes_at is None:
        return pulse
    state = LINK_STATES[status_of(pulse.opens_at, pulse.closes_at, now)]
    return pulse if state is pulse.state else replace(pulse, state=state)
