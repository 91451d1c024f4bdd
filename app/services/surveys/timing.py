"""When a campaign is open, and how long a pulse takes.

Campaigns open and close on whole days in UTC: open from 00:00 of the first
day until the end of the last day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

# Staff read and answer an agreement statement in about ten seconds.
SECONDS_PER_STATEMENT = 10


# What staff are promised (docs/journeys.md): about a dozen statements.
PROMISED_MINUTES = 2


class Status(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


def day_start(day: date) -> datetime:
    """00:00 UTC of ``day``: campaigns open and close on whole days."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def last_day_of(closes_at: datetime) -> date:
    """The last day a campaign is open (it closes at 00:00 UTC of the next day)."""
    return (closes_at - timedelta(microseconds=1)).date()


def status_of(opens_at: datetime, closes_at: datetime, now: datetime) -> Status:
    if now < opens_at:
        return Status.SCHEDULED
    return Status.OPEN if now < closes_at else Status.CLOSED


def minutes_for(statements: int) -> int:
    """About how many minutes ``statements`` statements take, to the nearest minute."""
    return max(1, (statements * SECONDS_PER_STATEMENT + 30) // 60)
