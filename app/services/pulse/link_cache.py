"""The per-worker cache of resolved team links.

A team board's QR code is opened by many phones at once, and resolving it
is two joined SELECTs and the parsing of the version's items. The cache is
only a shortcut for reading; the write re-checks in its own INSERT that the
campaign is open, unpublished, still asks this version and this team, and
that the link still exists (``app.services.responses.record_response``).
docs/submission-path.md has the design and the figures.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.services.pulse.pulses import LinkState, Pulse
from models import (
    Campaign,
    CampaignTeam,
    Initiative,
    Organization,
    Survey,
    SurveyVersion,
    Team,
    TeamLink,
)

# Seconds a resolved team link is trusted without reading it again (config.py); 0: no cache.
LINK_CACHE_SETTING = "STEPWISE_PULSE_LINK_CACHE_SECONDS"


# A bound on memory: team links are teams x surveys, far fewer than this.
LINK_CACHE_ENTRIES = 10_000


# What a team link resolves to is read from these tables.
_RESOLVED_FROM = frozenset(
    model.__table__
    for model in (
        Campaign,
        CampaignTeam,
        Initiative,
        Organization,
        Survey,
        SurveyVersion,
        Team,
        TeamLink,
    )
)


_STALE = "stepwise_pulse_links_stale"


@dataclass(frozen=True)
class _Cached:
    pulse: Pulse  # the state is worked out again at every use
    generation: int
    fresh_until: float  # time.monotonic()
    valid_before: datetime | None  # the moment the current campaign opens or closes


class _LinkCache:
    """Resolved team links of one worker process, for every app it serves.

    An entry is dropped when the TTL passes, when ``now`` reaches its
    campaign's opening or closing (then a later campaign may be the current
    one, and a scheduled campaign's version may no longer change), and at
    once when this process commits a change to a table the resolution reads
    (the ``generation`` moves; see the session listeners below). A change
    committed by another process is seen within the TTL; until then the
    write's own checks refuse an answer the change made invalid.
    """

    def __init__(self) -> None:
        self.entries: dict[tuple[int, str], _Cached] = {}
        self.generation = 0
        self.lock = threading.Lock()

    def get(self, key: tuple[int, str], now: datetime) -> Pulse | None:
        cached = self.entries.get(key)
        if cached is None:
            return None
        if (
            cached.generation != self.generation
            or time.monotonic() >= cached.fresh_until
            or (cached.valid_before is not None and now >= cached.valid_before)
        ):
            self.entries.pop(key, None)
            return None
        return cached.pulse

    def put(self, key: tuple[int, str], pulse: Pulse, generation: int, seconds: float) -> None:
        valid_before = None
        if pulse.opens_at is not None and pulse.closes_at is not None:
            valid_before = pulse.closes_at if pulse.state is LinkState.OPEN else pulse.opens_at
        with self.lock:
            if generation != self.generation:
                return  # something changed while it was being read: do not keep it
            if len(self.entries) >= LINK_CACHE_ENTRIES:
                self.entries.clear()
            self.entries[key] = _Cached(pulse, generation, time.monotonic() + seconds, valid_before)

    def forget(self, key: tuple[int, str]) -> None:
        self.entries.pop(key, None)

    def changed(self) -> None:
        with self.lock:
            self.generation += 1
            self.entries.clear()


LINKS = _LinkCache()


def cache_key(code: str) -> tuple[int, str]:
    # One process may serve several apps (tests do), each with its own database.
    return id(current_app._get_current_object()), code  # type: ignore[attr-defined]


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    if any(
        getattr(instance, "__table__", None) in _RESOLVED_FROM
        for instance in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info[_STALE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if table is None or table in _RESOLVED_FROM:  # text() and the like: assume the worst
        state.session.info[_STALE] = True


@event.listens_for(Session, "after_commit")
def _changed(session: Session) -> None:
    if session.info.pop(_STALE, False):
        LINKS.changed()
