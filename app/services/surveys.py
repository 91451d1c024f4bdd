"""Pulse surveys, the collection side: building surveys, running them as campaigns, links.

A survey's statements are frozen into numbered versions; a campaign asks one
version, so editing a survey never changes what a past campaign asked or how
its answers are scored. Campaigns open and close on whole days in UTC (open
from 00:00 of the first day until the end of the last day). A survey runs one
campaign at a time, so a team link always opens at most one campaign.

Links: a team link is stable per survey and team (print its QR code once) and
opens the team's current campaign; a personal link belongs to one person in one
campaign, is marked used when its answer arrives and is never stored with it.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Insert, and_, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from app.services.organizations import LineError, teams_of
from app.services.publication import frozen_tree, progress_of_campaigns, progress_of_teams
from models import (
    Campaign,
    CampaignTeam,
    Initiative,
    PersonalLink,
    Survey,
    SurveyVersion,
    Team,
    TeamLink,
    User,
    db,
)
from survey.instruments import (
    CUSTOM_DIMENSION,
    DIMENSIONS_BY_KEY,
    Item,
    build_items,
    is_scored,
    items_from_snapshot,
    snapshot,
)

MAX_TITLE = 160
MAX_INTRO = 1000
MAX_CUSTOM_ITEMS = 10
# A campaign is a pulse, not a census: a quarter at the very most.
MAX_CAMPAIGN_DAYS = 92
MAX_REPEAT_DAYS = 366
# Staff read and answer an agreement statement in about ten seconds.
SECONDS_PER_STATEMENT = 10
# What staff are promised (docs/journeys.md): about a dozen statements.
PROMISED_MINUTES = 2
# Far above any organisation's headcount; keeps one upload's work bounded.
MAX_PERSONAL_LINKS = 20_000
# 9 random bytes = 12 URL-safe characters: short enough for a QR code and a
# poster, 72 bits that nobody guesses. Personal links get 16 characters.
TEAM_CODE_BYTES = 9
PERSONAL_CODE_BYTES = 12
# Spreadsheets run cells starting with these as formulas ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CUSTOM_KEY = re.compile(r"custom_(\d+)")


class SurveyError(ValueError):
    """Changes that cannot be made; ``problems`` maps a form field to a message for a person."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = dict(problems)


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


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def minutes_for(statements: int) -> int:
    """About how many minutes ``statements`` statements take, to the nearest minute."""
    return max(1, (statements * SECONDS_PER_STATEMENT + 30) // 60)


# --- building surveys ---------------------------------------------------------


@dataclass(frozen=True)
class CustomItem:
    """A statement the consultant writes, on one of the library's scored scales."""

    text: str
    scale: str
    reverse: bool = False


@dataclass(frozen=True)
class Choice:
    """What a version was built from: library dimensions and custom statements."""

    dimension_keys: list[str]
    custom: list[CustomItem]


def _custom_number(key: str) -> int:
    match = _CUSTOM_KEY.fullmatch(key)
    return int(match.group(1)) if match else 0


def _built_items(
    survey_id: int | None, dimension_keys: Sequence[str], custom: Sequence[CustomItem]
) -> list[dict[str, Any]]:
    """The snapshot of a new version, with stable keys for custom statements.

    ``build_items`` numbers custom statements custom_1, custom_2, ... by
    position. Answers are compared across campaigns by item key, so a custom
    statement keeps the key it had in an earlier version of the survey (same
    text, scale and direction), and a new one gets a number never used before.
    """
    problems: dict[str, str] = {}
    if not dimension_keys and not custom:
        problems["dimensions"] = "Pick at least one dimension or write a statement of your own."
    if len(custom) > MAX_CUSTOM_ITEMS:
        problems["custom"] = f"Add at most {MAX_CUSTOM_ITEMS} statements of your own."
    texts = [item.text.strip().casefold() for item in custom]
    if len(set(texts)) != len(texts):
        problems["custom"] = "The same statement of your own is there twice."
    if problems:
        raise SurveyError(problems)
    try:
        items = build_items(
            list(dimension_keys),
            [(item.text.strip(), item.scale, item.reverse) for item in custom],
        )
    except ValueError as error:
        message = str(error)
        raise SurveyError({"dimensions": message[:1].upper() + message[1:] + "."}) from None
    known: dict[tuple[str, str, bool], str] = {}
    highest = 0
    if survey_id is not None:
        for version_items in db.session.scalars(
            select(SurveyVersion.items)
            .where(SurveyVersion.survey_id == survey_id)
            .order_by(SurveyVersion.number)
        ):
            for data in version_items:
                if data.get("dimension") == CUSTOM_DIMENSION:
                    signature = (data["text"], data["scale"], bool(data.get("reverse")))
                    known.setdefault(signature, data["key"])
                    highest = max(highest, _custom_number(data["key"]))
    keyed: list[Item] = []
    for item in items:
        if item.dimension == CUSTOM_DIMENSION:
            key = known.get((item.text, item.scale, item.reverse))
            if key is None:
                highest += 1
                key = f"custom_{highest}"
            item = Item(key, item.dimension, item.text, item.scale, item.reverse, item.required)
        keyed.append(item)
    return snapshot(keyed)


def _check_title(title: str, intro: str) -> None:
    problems = {}
    if not title.strip():
        problems["title"] = "Give the survey a title; staff see it at the top of the pulse."
    elif len(title.strip()) > MAX_TITLE:
        problems["title"] = f"Keep the title under {MAX_TITLE} characters."
    if len(intro.strip()) > MAX_INTRO:
        problems["intro"] = f"Keep the introduction under {MAX_INTRO:,} characters."
    if problems:
        raise SurveyError(problems)


def create_survey(
    initiative: Initiative,
    title: str,
    intro: str,
    dimension_keys: Sequence[str],
    custom: Sequence[CustomItem] = (),
    created_by: User | None = None,
) -> Survey:
    """A new survey of ``initiative`` with its version 1; the caller commits."""
    _check_title(title, intro)
    items = _built_items(None, dimension_keys, custom)
    survey = Survey(
        initiative_id=initiative.id,
        title=title.strip(),
        intro=intro.strip(),
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(survey)
    db.session.flush()
    db.session.add(SurveyVersion(survey_id=survey.id, number=1, items=items))
    db.session.flush()
    return survey


def update_survey(
    survey: Survey,
    title: str,
    intro: str,
    dimension_keys: Sequence[str],
    custom: Sequence[CustomItem],
    now: datetime,
) -> SurveyVersion | None:
    """Save title, introduction and statements; changed statements make a new version.

    Returns the new version, or None when the statements did not change.
    Campaigns that have opened keep the version they asked; campaigns still
    scheduled (no answers yet) move to the new version, so they ask what the
    consultant sees now.
    """
    _check_title(title, intro)
    items = _built_items(survey.id, dimension_keys, custom)
    survey.title = title.strip()
    survey.intro = intro.strip()
    latest = latest_version(survey.id)
    if latest.items == items:
        db.session.flush()
        return None
    version = SurveyVersion(survey_id=survey.id, number=latest.number + 1, items=items)
    db.session.add(version)
    db.session.flush()
    db.session.execute(
        update(Campaign)
        .where(Campaign.survey_id == survey.id, Campaign.opens_at > now)
        .values(version_id=version.id)
    )
    return version


def choice_of(version: SurveyVersion) -> Choice:
    """The dimensions and custom statements a version was built from (to edit it)."""
    keys: list[str] = []
    custom: list[CustomItem] = []
    for item in items_from_snapshot(version.items):
        if item.dimension == CUSTOM_DIMENSION:
            custom.append(CustomItem(item.text, item.scale, item.reverse))
        elif item.dimension in DIMENSIONS_BY_KEY and item.dimension not in keys:
            keys.append(item.dimension)
    return Choice(keys, custom)


def get_survey(survey_id: int) -> Survey | None:
    return db.session.get(Survey, survey_id)


def get_campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def latest_version(survey_id: int) -> SurveyVersion:
    return db.session.scalars(
        select(SurveyVersion)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.number.desc())
        .limit(1)
    ).one()


def scored_items(version: SurveyVersion) -> list[Item]:
    return [item for item in items_from_snapshot(version.items) if is_scored(item)]


# --- the list of an initiative's surveys ----------------------------------------


@dataclass(frozen=True)
class CampaignRow:
    id: int
    opens_at: datetime
    closes_at: datetime
    status: Status
    version_number: int
    teams: int
    headcount: int
    progress: str  # participation while unpublished, then the published whole
    published: bool = False

    @property
    def last_day(self) -> date:
        return last_day_of(self.closes_at)


@dataclass(frozen=True)
class SurveyRow:
    survey: Survey
    version: SurveyVersion
    statements: int
    campaigns: list[CampaignRow]

    @property
    def minutes(self) -> int:
        return minutes_for(self.statements)


def surveys_of(initiative_id: int, now: datetime) -> list[SurveyRow]:
    """Every survey of an initiative with its campaigns, newest first, in five queries."""
    surveys = list(
        db.session.scalars(
            select(Survey)
            .where(Survey.initiative_id == initiative_id)
            .order_by(Survey.created_at.desc(), Survey.id.desc())
        )
    )
    ids = [survey.id for survey in surveys]
    latest = _latest_versions(ids)
    campaigns = db.session.execute(
        select(Campaign, SurveyVersion.number)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .where(Campaign.survey_id.in_(ids))
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
    ).all()
    campaign_ids = [campaign.id for campaign, _ in campaigns]
    teams = {
        campaign_id: (count, headcount or 0)
        for campaign_id, count, headcount in db.session.execute(
            select(CampaignTeam.campaign_id, func.count(), func.sum(CampaignTeam.headcount))
            .where(CampaignTeam.campaign_id.in_(campaign_ids))
            .group_by(CampaignTeam.campaign_id)
        )
    }
    progress = progress_of_campaigns([campaign for campaign, _ in campaigns])
    rows: dict[int, list[CampaignRow]] = {survey_id: [] for survey_id in ids}
    for campaign, number in campaigns:
        count, headcount = teams.get(campaign.id, (0, 0))
        rows[campaign.survey_id].append(
            CampaignRow(
                id=campaign.id,
                opens_at=campaign.opens_at,
                closes_at=campaign.closes_at,
                status=status_of(campaign.opens_at, campaign.closes_at, now),
                version_number=number,
                teams=count,
                headcount=headcount,
                progress=progress[campaign.id],
                published=campaign.published_at is not None,
            )
        )
    return [
        SurveyRow(
            survey=survey,
            version=latest[survey.id],
            statements=len(scored_items(latest[survey.id])),
            campaigns=rows[survey.id],
        )
        for survey in surveys
    ]


def _latest_versions(survey_ids: Sequence[int]) -> dict[int, SurveyVersion]:
    newest = (
        select(SurveyVersion.survey_id, func.max(SurveyVersion.number).label("number"))
        .where(SurveyVersion.survey_id.in_(survey_ids))
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    return {
        version.survey_id: version
        for version in db.session.scalars(
            select(SurveyVersion).join(
                newest,
                and_(
                    SurveyVersion.survey_id == newest.c.survey_id,
                    SurveyVersion.number == newest.c.number,
                ),
            )
        )
    }


# --- campaigns ------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """A campaign as the consultant asks for it: whole days, teams, optional repetition."""

    opens_on: date
    last_day: date
    team_ids: Sequence[int]
    repeat_days: int | None = None

    @property
    def days(self) -> int:
        return (self.last_day - self.opens_on).days + 1

    @property
    def opens_at(self) -> datetime:
        return day_start(self.opens_on)

    @property
    def closes_at(self) -> datetime:
        return day_start(self.last_day + timedelta(days=1))


def _overlapping(survey_id: int, opens_at: datetime, closes_at: datetime) -> Campaign | None:
    return db.session.scalars(
        select(Campaign)
        .where(
            Campaign.survey_id == survey_id,
            Campaign.opens_at < closes_at,
            Campaign.closes_at > opens_at,
        )
        .limit(1)
    ).first()


def _schedule_problems(survey: Survey, schedule: Schedule, now: datetime) -> dict[str, str]:
    problems: dict[str, str] = {}
    if schedule.last_day < schedule.opens_on:
        problems["last_day"] = "The last day is before the first day."
    elif schedule.closes_at <= now:
        problems["last_day"] = "That campaign would already be over; choose a last day from today."
    elif schedule.days > MAX_CAMPAIGN_DAYS:
        problems["last_day"] = f"A campaign stays open at most {MAX_CAMPAIGN_DAYS} days."
    elif (other := _overlapping(survey.id, schedule.opens_at, schedule.closes_at)) is not None:
        problems["opens_on"] = (
            f"This overlaps the campaign of {_day(other.opens_at.date())} to "
            f"{_day(last_day_of(other.closes_at))}; a survey runs one campaign at a time."
        )
    if not schedule.team_ids:
        problems["team_ids"] = "Choose at least one team."
    repeat = schedule.repeat_days
    if repeat is not None and "last_day" not in problems:
        if repeat < schedule.days:
            problems["repeat_days"] = (
                f"Repeat every {schedule.days} days or more: a campaign lasts "
                f"{schedule.days} days and the next one must not start before it closes."
            )
        elif repeat > MAX_REPEAT_DAYS:
            problems["repeat_days"] = f"Repeat at most every {MAX_REPEAT_DAYS} days."
    return problems


def schedule_campaign(survey: Survey, schedule: Schedule, now: datetime) -> Campaign:
    """A campaign of the survey's latest version for some teams of its organisation.

    Each team's headcount is copied now, so response rates stay those of the
    day. Repetition is a property of the survey: the schedule's ``repeat_days``
    (None for a one-off) replaces what was set before. The caller commits.
    """
    problems = _schedule_problems(survey, schedule, now)
    initiative = db.session.get_one(Initiative, survey.initiative_id)
    wanted = set(schedule.team_ids)
    teams = [team for team in teams_of(initiative.organization_id) if team.id in wanted]
    if len(teams) != len(wanted) and "team_ids" not in problems:
        problems["team_ids"] = "Choose teams of this organisation."
    if problems:
        raise SurveyError(problems)
    campaign = Campaign(
        survey_id=survey.id,
        version_id=latest_version(survey.id).id,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
        followed_up=False,
        team_tree=frozen_tree(initiative.organization_id, [team.id for team in teams]),
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.add_all(
        CampaignTeam(campaign_id=campaign.id, team_id=team.id, headcount=team.headcount)
        for team in teams
    )
    survey.recurrence_days = schedule.repeat_days
    survey.campaign_days = schedule.days
    db.session.flush()
    team_links(survey.id, [team.id for team in teams])
    return campaign


def stop_repeating(survey: Survey) -> None:
    survey.recurrence_days = None
    db.session.flush()


def close_campaign(campaign: Campaign, now: datetime) -> None:
    """Close an open campaign now; its results are published by the next tick after the grace.

    A closed campaign never reopens: its results, once published, are final.
    """
    if status_of(campaign.opens_at, campaign.closes_at, now) is not Status.OPEN:
        raise SurveyError({"campaign": "Only an open campaign can be closed early."})
    campaign.closes_at = now
    db.session.flush()


def cancel_campaign(campaign: Campaign, now: datetime) -> None:
    """Delete a campaign that has not opened; repetition stops (schedule again to restart)."""
    if status_of(campaign.opens_at, campaign.closes_at, now) is not Status.SCHEDULED:
        raise SurveyError({"campaign": "Only a campaign that has not opened can be cancelled."})
    survey = db.session.get_one(Survey, campaign.survey_id)
    survey.recurrence_days = None
    db.session.delete(campaign)
    db.session.flush()


@dataclass(frozen=True)
class CampaignTeamRow:
    team_id: int
    name: str
    headcount: int
    progress: str  # a band while unpublished, then the published group (never a hidden count)
    code: str
    personal_links: int


def campaign_teams(campaign: Campaign) -> list[CampaignTeamRow]:
    """The campaign's teams with their link and participation (never scores, never a hidden count).

    Creates a team link the first time a team needs one; the caller commits.
    """
    teams = db.session.execute(
        select(Team.id, Team.name, CampaignTeam.headcount)
        .join(CampaignTeam, CampaignTeam.team_id == Team.id)
        .where(CampaignTeam.campaign_id == campaign.id)
        .order_by(Team.name)
    ).all()
    links = team_links(campaign.survey_id, [team_id for team_id, _, _ in teams])
    progress = progress_of_teams(campaign)
    personal = dict(
        db.session.execute(
            select(PersonalLink.team_id, func.count())
            .where(PersonalLink.campaign_id == campaign.id)
            .group_by(PersonalLink.team_id)
        ).all()
    )
    return [
        CampaignTeamRow(
            team_id=team_id,
            name=name,
            headcount=headcount,
            progress=progress.get(team_id, ""),
            code=links[team_id].code,
            personal_links=personal.get(team_id, 0),
        )
        for team_id, name, headcount in teams
    ]


# --- links ----------------------------------------------------------------------


def new_code(nbytes: int = TEAM_CODE_BYTES) -> str:
    return secrets.token_urlsafe(nbytes)


def _insert_or_skip(model: type[TeamLink] | type[PersonalLink]) -> Insert:
    """INSERT that skips rows clashing with a unique constraint (a link made meanwhile)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing()
    raise RuntimeError(f"links need PostgreSQL or SQLite, not {dialect}")  # pragma: no cover


def team_links(survey_id: int, team_ids: Iterable[int]) -> dict[int, TeamLink]:
    """The survey's link for each team, created on first need.

    Two requests creating the same link at once both end up with the one that
    was committed first: the insert skips conflicts and the links are read back.
    """
    wanted = set(team_ids)
    links: dict[int, TeamLink] = {}
    for _attempt in range(3):
        links = {
            link.team_id: link
            for link in db.session.scalars(
                select(TeamLink).where(
                    TeamLink.survey_id == survey_id, TeamLink.team_id.in_(wanted)
                )
            )
        }
        missing = wanted - links.keys()
        if not missing:
            break
        db.session.execute(
            _insert_or_skip(TeamLink),
            [
                {"survey_id": survey_id, "team_id": team_id, "code": new_code()}
                for team_id in sorted(missing)
            ],
        )
    return links


@dataclass(frozen=True)
class LinkImport:
    created: int
    kept: int


def _read_csv(raw: bytes | str) -> tuple[list[tuple[int, list[str]]], list[LineError]]:
    """Rows of a CSV file with their 1-based line numbers; the header row is line 1."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [
                LineError(
                    1, "The file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8."
                )
            ]
    first_line = raw.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)], []
    except csv.Error as error:
        return [], [LineError(reader.line_num or 1, f"The file is not valid CSV: {error}.")]


def _header_columns(header: list[str]) -> tuple[int, int] | None:
    names = [cell.strip().lstrip("\ufeff").casefold() for cell in header]
    if "email" not in names or "team" not in names:
        return None
    return names.index("email"), names.index("team")


def _people(raw: bytes | str) -> tuple[list[tuple[int, str, str]], list[LineError]]:
    """(line, email, team) for each row below the required ``email,team`` header."""
    rows, errors = _read_csv(raw)
    if errors:
        return [], errors
    if not rows or (columns := _header_columns(rows[0][1])) is None:
        line = rows[0][0] if rows else 1
        return [], [LineError(line, "The first line must be the header “email,team”.")]
    if len(rows) == 1:
        return [], [LineError(rows[0][0] + 1, "There is nobody below the header.")]
    if len(rows) - 1 > MAX_PERSONAL_LINKS:
        return [], [LineError(1, f"Upload at most {MAX_PERSONAL_LINKS:,} people at a time.")]
    email_column, team_column = columns
    return [
        (
            line,
            row[email_column].strip() if email_column < len(row) else "",
            row[team_column].strip() if team_column < len(row) else "",
        )
        for line, row in rows[1:]
    ], []


@dataclass
class _Roster:
    """What an upload is checked against (the campaign's teams and links) and has seen so far."""

    teams: dict[str, Team]
    asked: set[int]
    existing: dict[str, int]
    seen: dict[str, int] = field(default_factory=dict)
    new: list[tuple[str, int]] = field(default_factory=list)
    kept: int = 0

    @classmethod
    def of(cls, campaign: Campaign) -> _Roster:
        survey = db.session.get_one(Survey, campaign.survey_id)
        initiative = db.session.get_one(Initiative, survey.initiative_id)
        asked = db.session.scalars(
            select(CampaignTeam.team_id).where(CampaignTeam.campaign_id == campaign.id)
        )
        existing = db.session.execute(
            select(PersonalLink.email, PersonalLink.team_id).where(
                PersonalLink.campaign_id == campaign.id
            )
        )
        return cls(
            # Archived teams too, so a line naming one is told it is archived, not unknown.
            teams={
                team.name.casefold(): team
                for team in teams_of(initiative.organization_id, include_archived=True)
            },
            asked=set(asked),
            existing={email.casefold(): team_id for email, team_id in existing},
        )

    def add(self, line: int, email_text: str, team_text: str) -> str | None:
        """Take one row; the problem with it, if any, for a person."""
        if not email_text or not team_text:
            return "Write an email address and a team name."
        try:
            email = validate_email(email_text, check_deliverability=False).normalized
        except EmailNotValidError:
            return f"“{email_text[:80]}” is not a valid email address."
        if len(email) > 254:
            return "The email address is longer than 254 characters."
        team = self.teams.get(team_text.casefold())
        if team is None:
            return f"There is no team called “{team_text[:80]}”."
        if team.archived_at is not None:
            return f"Team “{team.name}” is archived: restore it under Teams to send it links."
        if team.id not in self.asked:
            return f"Team “{team.name}” is not asked in this campaign."
        folded = email.casefold()
        if folded in self.seen:
            return f"{email} is already on line {self.seen[folded]}."
        self.seen[folded] = line
        if folded not in self.existing:
            self.new.append((email, team.id))
        elif self.existing[folded] == team.id:
            self.kept += 1
        else:
            names = {team.id: team.name for team in self.teams.values()}
            return f"{email} already has a link for team “{names.get(self.existing[folded])}”."
        return None


def import_personal_links(
    campaign: Campaign, raw: bytes | str, now: datetime
) -> tuple[LinkImport, list[LineError]]:
    """One personal link per ``email,team`` row, all or nothing.

    A header naming the ``email`` and ``team`` columns is required (other
    columns are ignored; Excel's BOM and semicolons are understood). Every bad
    row is reported with its line number: a bad email, a team unknown to the
    organisation or not asked in this campaign, an email twice in the file or
    already linked to another team. People who already have a link for the
    same team keep it. The caller commits only when no errors came back. A
    closed campaign takes no more links (SurveyError).
    """
    if status_of(campaign.opens_at, campaign.closes_at, now) is Status.CLOSED:
        raise SurveyError(
            {"file": "This campaign has closed; add people to an open or scheduled one."}
        )
    people, errors = _people(raw)
    if errors:
        return LinkImport(0, 0), errors
    roster = _Roster.of(campaign)
    for line, email, team in people:
        problem = roster.add(line, email, team)
        if problem is not None:
            errors.append(LineError(line, problem))
    if errors:
        return LinkImport(0, 0), errors
    _insert_personal_links(campaign.id, roster.new)
    return LinkImport(len(roster.new), roster.kept), []


def _insert_personal_links(campaign_id: int, people: Sequence[tuple[str, int]]) -> None:
    """A fresh one-use link for each (email, team id)."""
    if people:
        db.session.execute(
            insert(PersonalLink),
            [
                {
                    "campaign_id": campaign_id,
                    "team_id": team_id,
                    "email": email,
                    "code": new_code(PERSONAL_CODE_BYTES),
                }
                for email, team_id in people
            ],
        )


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def unused_links_csv(campaign: Campaign, link_for: Callable[[str], str], now: datetime) -> str:
    """``email,team,link`` for every personal link of the campaign not used yet.

    For the organisation's own reminder mail merge; ``link_for`` turns a code
    into the full URL. Only until the campaign closes: afterwards the list
    would only tell who answered, which nobody needs.
    """
    if campaign.closes_at <= now:
        raise SurveyError({"campaign": "The campaign has closed: there is nobody left to remind."})
    rows = db.session.execute(
        select(PersonalLink.email, Team.name, PersonalLink.code)
        .join(Team, Team.id == PersonalLink.team_id)
        .where(PersonalLink.campaign_id == campaign.id, PersonalLink.used_on.is_(None))
        .order_by(Team.name, PersonalLink.email)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["email", "team", "link"])
    for email, team, code in rows:
        writer.writerow([_cell(email), _cell(team), link_for(code)])
    return out.getvalue()


# --- recurrence -----------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """A campaign the tick created."""

    survey_title: str
    initiative_name: str
    campaign_id: int
    opens_at: datetime
    closes_at: datetime
    teams: int
    personal_links: int

    def __str__(self) -> str:
        links = f", {self.personal_links} personal links" if self.personal_links else ""
        return (
            f"Created campaign {self.campaign_id} of “{self.survey_title}” "
            f"({self.initiative_name}): {self.opens_at:%Y-%m-%d} to "
            f"{last_day_of(self.closes_at):%Y-%m-%d}, {self.teams} teams{links}."
        )


def _due(now: datetime) -> list[int]:
    """Latest campaigns of repeating surveys whose follow-up should exist by ``now``.

    The next campaign is created once the latest one has opened, i.e. once the
    next opening is at most one recurrence away (and so, too, once the latest
    has closed): staff, posters and the mail merge get a full period's notice.
    """
    later = aliased(Campaign)
    return list(
        db.session.scalars(
            select(Campaign.id)
            .join(Survey, Survey.id == Campaign.survey_id)
            .where(
                Survey.recurrence_days.is_not(None),
                Campaign.followed_up.is_(False),
                Campaign.opens_at <= now,
                ~exists().where(
                    later.survey_id == Campaign.survey_id,
                    or_(
                        later.opens_at > Campaign.opens_at,
                        and_(later.opens_at == Campaign.opens_at, later.id > Campaign.id),
                    ),
                ),
            )
            .order_by(Campaign.id)
        )
    )


def _claim(campaign_id: int) -> bool:
    """Mark a campaign followed up; True only for the one process that did it.

    The claim is the transaction's first statement, an UPDATE ... WHERE
    followed_up = false: of two processes only one sees a row count of 1 (on
    PostgreSQL the second waits for the first's commit, on SQLite for its
    write lock).
    """
    claimed = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.followed_up.is_(False))
        .values(followed_up=True)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def _create_next(campaign_id: int, now: datetime) -> FollowUp | None:
    """The successor of a claimed campaign; None when there is nothing left to repeat."""
    previous, survey, initiative_name, organization_id = db.session.execute(
        select(Campaign, Survey, Initiative.name, Initiative.organization_id)
        .join(Survey, Survey.id == Campaign.survey_id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .where(Campaign.id == campaign_id)
        .execution_options(populate_existing=True)
    ).one()
    if survey.recurrence_days is None:
        return None
    step = timedelta(days=survey.recurrence_days)
    length = timedelta(days=survey.campaign_days)
    opens_at = previous.opens_at + step
    if opens_at + length <= now:
        # The tick did not run for a while: skip the periods that are already over.
        opens_at += ((now - opens_at - length) // step + 1) * step
    teams = db.session.execute(
        select(Team.id, Team.headcount)
        .join(CampaignTeam, CampaignTeam.team_id == Team.id)
        .where(CampaignTeam.campaign_id == previous.id, Team.archived_at.is_(None))
    ).all()
    if not teams:
        return None
    campaign = Campaign(
        survey_id=survey.id,
        version_id=latest_version(survey.id).id,
        opens_at=opens_at,
        closes_at=opens_at + length,
        followed_up=False,
        team_tree=frozen_tree(organization_id, [team_id for team_id, _ in teams]),
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.execute(
        insert(CampaignTeam),
        [
            {"campaign_id": campaign.id, "team_id": team_id, "headcount": headcount}
            for team_id, headcount in teams
        ],
    )
    team_links(survey.id, [team_id for team_id, _ in teams])
    roster = db.session.execute(
        select(PersonalLink.email, PersonalLink.team_id).where(
            PersonalLink.campaign_id == previous.id
        )
    ).all()
    asked = {team_id for team_id, _ in teams}
    people = [(email, team_id) for email, team_id in roster if team_id in asked]
    _insert_personal_links(campaign.id, people)
    return FollowUp(
        survey_title=survey.title,
        initiative_name=initiative_name,
        campaign_id=campaign.id,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        teams=len(teams),
        personal_links=len(people),
    )


def tick(now: datetime) -> list[FollowUp]:
    """Create every campaign that repetition makes due; commits each one on its own.

    Safe to run every minute and from several processes at once: each
    follow-up is claimed by one process (``_claim``). One run brings every
    survey up to date, so a second run at the same moment does nothing. The
    next campaign asks the survey's latest version of the same teams (with
    today's headcounts), and every person with a personal link in the previous
    campaign gets a fresh one-use link in the next.
    """
    done: list[FollowUp] = []
    # A follow-up that is itself already open (after a pause of the tick) is
    # due at once; two rounds reach a campaign in the future.
    for _round in range(3):
        due = _due(now)
        db.session.commit()  # end the read before claiming: the claim starts the write
        if not due:
            break
        for campaign_id in due:
            if not _claim(campaign_id):
                db.session.rollback()
                continue
            follow_up = _create_next(campaign_id, now)
            db.session.commit()
            if follow_up is not None:
                done.append(follow_up)
    return done
