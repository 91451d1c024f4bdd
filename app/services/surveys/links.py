"""Links: a team link per survey and team, and one-use personal links per campaign.

A team link is stable per survey and team (print its QR code once) and
opens the team's current campaign; a personal link belongs to one person in
one campaign, is marked used when its answer arrives and is never stored
with it.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import Insert, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from app.services.errors import ServiceError
from app.services.organizations import LineError, teams_of
from app.services.results.exports import csv_cell
from app.services.surveys.timing import Status, status_of
from app.services.transaction import commit
from models import Campaign, CampaignTeam, Initiative, PersonalLink, Survey, Team, TeamLink, db

# Far above any organisation's headcount; keeps one upload's work bounded.
MAX_PERSONAL_LINKS = 20_000


# 9 random bytes = 12 URL-safe characters: short enough for a QR code and a
# poster, 72 bits that nobody guesses. Personal links get 16 characters.
TEAM_CODE_BYTES = 9
PERSONAL_CODE_BYTES = 12


def new_code(nbytes: int = TEAM_CODE_BYTES) -> str:
    return secrets.token_urlsafe(nbytes)


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


def import_personal_links(
    campaign: Campaign, raw: bytes | str, now: datetime
) -> tuple[LinkImport, list[LineError]]:
    """One personal link per ``email,team`` row, all or nothing.

    A header naming the ``email`` and ``team`` columns is required (other
    columns are ignored; Excel's BOM and semicolons are understood). Every bad
    row is reported with its line number: a bad email, a team unknown to the
    organisation or not asked in this campaign, an email twice in the file or
    already linked to another team. People who already have a link for the
    same team keep it. Committed when no errors came back; nothing is written
    otherwise. A closed campaign takes no more links (ServiceError).
    """
    if status_of(campaign.opens_at, campaign.closes_at, now) is Status.CLOSED:
        raise ServiceError(
            _("This campaign has closed; add people to an open or scheduled one."), "file"
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
    insert_personal_links(campaign.id, roster.new)
    commit()
    return LinkImport(len(roster.new), roster.kept), []


def unused_links_csv(campaign: Campaign, link_for: Callable[[str], str], now: datetime) -> str:
    """``email,team,link`` for every personal link of the campaign not used yet.

    For the organisation's own reminder mail merge; ``link_for`` turns a code
    into the full URL. Only until the campaign closes: afterwards the list
    would only tell who answered, which nobody needs.
    """
    if campaign.closes_at <= now:
        raise ServiceError(
            _("The campaign has closed: there is nobody left to remind."), "campaign"
        )
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
        writer.writerow([csv_cell(email), csv_cell(team), link_for(code)])
    return out.getvalue()


def _insert_or_skip(model: type[TeamLink] | type[PersonalLink]) -> Insert:
    """INSERT that skips rows clashing with a unique constraint (a link made meanwhile)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing()
    raise RuntimeError(f"links need PostgreSQL or SQLite, not {dialect}")  # pragma: no cover


def _read_csv(raw: bytes | str) -> tuple[list[tuple[int, list[str]]], list[LineError]]:
    """Rows of a CSV file with their 1-based line numbers; the header row is line 1."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [
                LineError(
                    1, _("The file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8.")
                )
            ]
    first_line = raw.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)], []
    except csv.Error as error:
        problem = _("The file is not valid CSV: %(error)s.", error=error)
        return [], [LineError(reader.line_num or 1, problem)]


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
        return [], [LineError(line, _("The first line must be the header “email,team”."))]
    if len(rows) == 1:
        return [], [LineError(rows[0][0] + 1, _("There is nobody below the header."))]
    if len(rows) - 1 > MAX_PERSONAL_LINKS:
        return [], [
            LineError(
                1,
                _("Upload at most %(count)s people at a time.", count=f"{MAX_PERSONAL_LINKS:,}"),
            )
        ]
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
            return str(_("Write an email address and a team name."))
        try:
            email = validate_email(email_text, check_deliverability=False).normalized
        except EmailNotValidError:
            return str(_("“%(email)s” is not a valid email address.", email=email_text[:80]))
        if len(email) > 254:
            return str(_("The email address is longer than 254 characters."))
        team = self.teams.get(team_text.casefold())
        if team is None:
            return str(_("There is no team called “%(team)s”.", team=team_text[:80]))
        if team.archived_at is not None:
            return str(
                _(
                    "Team “%(team)s” is archived: restore it under Teams to send it links.",
                    team=team.name,
                )
            )
        if team.id not in self.asked:
            return str(_("Team “%(team)s” is not asked in this campaign.", team=team.name))
        folded = email.casefold()
        if folded in self.seen:
            return str(
                _("%(email)s is already on line %(line)s.", email=email, line=self.seen[folded])
            )
        self.seen[folded] = line
        if folded not in self.existing:
            self.new.append((email, team.id))
        elif self.existing[folded] == team.id:
            self.kept += 1
        else:
            names = {team.id: team.name for team in self.teams.values()}
            return str(
                _(
                    "%(email)s already has a link for team “%(team)s”.",
                    email=email,
                    team=names.get(self.existing[folded]),
                )
            )
        return None


def insert_personal_links(campaign_id: int, people: Sequence[tuple[str, int]]) -> None:
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
