"""Answering a pulse: what a link opens, checking the answers, storing them anonymously.

Staff have no account. A team link opens its team's current campaign; a
personal link opens its own campaign once. Nothing here records who answered:
the response keeps its team and its day, and a personal link only learns that
it was used (``app.services.responses``).

What a *team* link resolves to is cached per worker (``_LinkCache``): a team
board's QR code is opened by many phones at once, and resolving it is two
joined SELECTs and the parsing of the version's items. The cache is only a
shortcut for reading; the write re-checks in its own INSERT that the campaign
is open, unpublished, still asks this version and this team, and that the
link still exists (``record_response``). docs/submission-path.md has the
design and the figures.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session

from app.services.responses import claim_personal_link, record_response
from app.services.surveys import Status, last_day_of, minutes_for, status_of
from models import (
    Campaign,
    CampaignTeam,
    Initiative,
    Organization,
    PersonalLink,
    Survey,
    SurveyAction,
    SurveyVersion,
    Team,
    TeamLink,
    db,
)
from models.base import utcnow
from survey.instruments import DIMENSIONS_BY_KEY, SCALES, TEXT, Item, items_from_snapshot

# Inputs are named "item-<key>", so a key that is not in the pulse is recognisable.
ITEM_PREFIX = "item-"
COMMENT_FIELD = "comment"
MAX_COMMENT = 2000
# Codes are secrets.token_urlsafe output; anything else cannot be a link.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,3}")
# How many "you said, we did" entries staff see; the newest matter.
ACTIONS_SHOWN = 20


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


_STATES = {
    Status.OPEN: LinkState.OPEN,
    Status.SCHEDULED: LinkState.SCHEDULED,
    Status.CLOSED: LinkState.CLOSED,
}


def open_link(code: str, now: datetime) -> Pulse | None:
    """The pulse behind a team or personal link at ``now``; None for an unknown code."""
    if not _CODE.fullmatch(code):
        return None
    return _cached_team_pulse(code, now) or _personal_pulse(code, now)


# --- The per-worker cache of team links -------------------------------------------------

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


def _cache_key(code: str) -> tuple[int, str]:
    # One process may serve several apps (tests do), each with its own database.
    return id(current_app._get_current_object()), code  # type: ignore[attr-defined]


def _cached_team_pulse(code: str, now: datetime) -> Pulse | None:
    seconds = float(current_app.config[LINK_CACHE_SETTING])
    if seconds <= 0:
        return _team_pulse(code, now)
    key = _cache_key(code)
    cached = LINKS.get(key, now)
    if cached is not None:
        return _at(cached, now)
    generation = LINKS.generation
    pulse = _team_pulse(code, now)
    if pulse is not None:
        LINKS.put(key, pulse, generation, seconds)
    return pulse


def forget_link(code: str) -> None:
    """Drop a link from this worker's cache (the write found it out of date)."""
    if _CODE.fullmatch(code):
        LINKS.forget(_cache_key(code))


def _at(pulse: Pulse, now: datetime) -> Pulse:
    """A cached team pulse with its state at ``now``."""
    if pulse.opens_at is None or pulse.closes_at is None:
        return pulse
    state = _STATES[status_of(pulse.opens_at, pulse.closes_at, now)]
    return pulse if state is pulse.state else replace(pulse, state=state)


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


def _team_pulse(code: str, now: datetime) -> Pulse | None:
    row = db.session.execute(
        select(Survey, Team.id, Team.name, Initiative.name, Organization.name)
        .select_from(TeamLink)
        .join(Survey, Survey.id == TeamLink.survey_id)
        .join(Team, Team.id == TeamLink.team_id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .join(Organization, Organization.id == Initiative.organization_id)
        .where(TeamLink.code == code)
    ).first()
    if row is None:
        return None
    survey, team_id, team, initiative, organization = row
    # The team's campaign that has not closed yet, earliest first: the open
    # one if there is one, else the next scheduled one.
    current = db.session.execute(
        select(Campaign, SurveyVersion.items)
        .join(CampaignTeam, CampaignTeam.campaign_id == Campaign.id)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .where(
            Campaign.survey_id == survey.id,
            CampaignTeam.team_id == team_id,
            Campaign.closes_at > now,
        )
        .order_by(Campaign.opens_at, Campaign.id)
        .limit(1)
    ).first()
    base = Pulse(
        code=code,
        personal_link_id=None,
        state=LinkState.CLOSED,
        organization=organization,
        initiative=initiative,
        survey_id=survey.id,
        title=survey.title,
        intro=survey.intro,
        team_id=team_id,
        team=team,
    )
    if current is None:
        return base
    campaign, items = current
    state = _STATES[status_of(campaign.opens_at, campaign.closes_at, now)]
    return _with_campaign(base, campaign, items, state)


def _personal_pulse(code: str, now: datetime) -> Pulse | None:
    row = db.session.execute(
        select(
            PersonalLink.id,
            PersonalLink.used_on,
            Campaign,
            SurveyVersion.items,
            Survey,
            Team.id,
            Team.name,
            Initiative.name,
            Organization.name,
        )
        .select_from(PersonalLink)
        .join(Campaign, Campaign.id == PersonalLink.campaign_id)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .join(Survey, Survey.id == Campaign.survey_id)
        .join(Team, Team.id == PersonalLink.team_id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .join(Organization, Organization.id == Initiative.organization_id)
        .where(PersonalLink.code == code)
    ).first()
    if row is None:
        return None
    link_id, used_on, campaign, items, survey, team_id, team, initiative, organization = row
    state = (
        LinkState.USED
        if used_on is not None
        else _STATES[status_of(campaign.opens_at, campaign.closes_at, now)]
    )
    base = Pulse(
        code=code,
        personal_link_id=link_id,
        state=state,
        organization=organization,
        initiative=initiative,
        survey_id=survey.id,
        title=survey.title,
        intro=survey.intro,
        team_id=team_id,
        team=team,
    )
    return _with_campaign(base, campaign, items, state)


def _with_campaign(
    base: Pulse, campaign: Campaign, items: list[dict[str, Any]], state: LinkState
) -> Pulse:
    return replace(
        base,
        state=state,
        campaign_id=campaign.id,
        version_id=campaign.version_id,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        items=tuple(items_from_snapshot(items)),
    )


@dataclass(frozen=True)
class AnswerCheck:
    """Answers as sent, checked against the campaign's statements.

    ``refused`` holds what no honest form sends (a statement that is not in
    the pulse, a value off its scale): the whole submission is refused.
    ``missing`` holds required statements left unanswered: the form comes
    back with everything kept.
    """

    answers: dict[str, int]
    comment: str | None
    missing: tuple[Item, ...]
    refused: tuple[str, ...]
    comment_too_long: bool = False

    @property
    def ok(self) -> bool:
        return not self.missing and not self.refused and not self.comment_too_long


def check_answers(items: Sequence[Item], form: Mapping[str, Sequence[str]]) -> AnswerCheck:
    """Check a posted form (field name -> values) against the items of a pulse."""
    scored = {item.key: (number, item) for number, item in enumerate(_scored(items), start=1)}
    answers: dict[str, int] = {}
    refused: list[str] = []
    refused_keys: set[str] = set()
    for name, values in form.items():
        if not name.startswith(ITEM_PREFIX):
            continue
        key = name.removeprefix(ITEM_PREFIX)
        if key not in scored:
            refused.append(f"“{key[:40]}” is not a statement of this pulse.")
            continue
        number, item = scored[key]
        given = [value.strip() for value in values if value.strip()]
        if not given:
            continue
        low, high = SCALES[item.scale]
        value = given[0]
        if len(given) > 1:
            problem = f"Statement {number} was answered more than once."
        elif _WHOLE_NUMBER.fullmatch(value) and low <= int(value) <= high:
            answers[key] = int(value)
            continue
        else:
            problem = (
                f"“{value[:10]}” is not an answer to statement {number}; "
                f"choose from {low} to {high}."
            )
        refused.append(problem)
        refused_keys.add(key)
    missing = tuple(
        item
        for item in _scored(items)
        if item.required and item.key not in answers and item.key not in refused_keys
    )
    comment = None
    too_long = False
    if any(item.scale == TEXT for item in items):
        # PostgreSQL refuses NUL characters in text; nobody types them.
        text = " ".join(form.get(COMMENT_FIELD, [])).replace("\x00", "").strip()
        comment = text or None
        too_long = len(text) > MAX_COMMENT
    return AnswerCheck(answers, comment, missing, tuple(refused), too_long)


def _scored(items: Sequence[Item]) -> list[Item]:
    return [item for item in items if item.scale in SCALES]


def submit(pulse: Pulse, check: AnswerCheck, today: date) -> None:
    """Store a checked answer; the caller commits.

    For a personal link the claim comes first, in the same transaction: a
    replayed or racing submission raises ``LinkAlreadyUsed`` before anything
    is written, and the caller rolls back. The answer is written only if the
    campaign is still open at the moment of writing (``CampaignClosed``).
    """
    if pulse.campaign_id is None or pulse.state is not LinkState.OPEN or not check.ok:
        raise ValueError("only a checked answer to an open pulse can be stored")
    if pulse.personal_link_id is not None:
        claim_personal_link(pulse.personal_link_id, today)
    record_response(
        pulse.campaign_id,
        pulse.team_id,
        check.answers,
        check.comment,
        today,
        now=utcnow(),
        version_id=pulse.version_id,
        team_link=None if pulse.is_personal else pulse.code,
    )


@dataclass(frozen=True)
class ActionRow:
    """One "you said, we did" entry as staff see it."""

    you_said: str
    we_did: str
    posted_on: date
    dimension: str | None


def actions_for(survey_id: int, team_id: int, limit: int = ACTIONS_SHOWN) -> list[ActionRow]:
    """What leaders did about this survey, for this team or for everyone, newest first."""
    rows = db.session.scalars(
        select(SurveyAction)
        .where(
            SurveyAction.survey_id == survey_id,
            or_(SurveyAction.team_id == team_id, SurveyAction.team_id.is_(None)),
        )
        .order_by(SurveyAction.created_at.desc(), SurveyAction.id.desc())
        .limit(limit)
    )
    return [
        ActionRow(
            you_said=action.you_said,
            we_did=action.we_did,
            posted_on=action.created_at.date(),
            dimension=(
                DIMENSIONS_BY_KEY[action.dimension_key].name
                if action.dimension_key in DIMENSIONS_BY_KEY
                else None
            ),
        )
        for action in rows
    ]
