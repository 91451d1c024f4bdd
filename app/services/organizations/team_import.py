"""Teams pasted from a spreadsheet: parsed line by line, saved all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.services import audit
from app.services.organizations.teams import (
    MAX_HEADCOUNT,
    archived_name_message,
    archived_teams_of,
    teams_of,
    would_make_cycle,
)
from app.services.transaction import commit
from models import Organization, Team, User, db


@dataclass(frozen=True)
class TeamLine:
    line: int
    name: str
    headcount: int
    parent: str | None


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


def parse_team_lines(text: str) -> tuple[list[TeamLine], list[LineError]]:
    """Parse pasted teams, one per line: ``name, headcount[, parent]``.

    Commas or tabs separate the fields (a spreadsheet paste gives tabs). A
    first line reading ``name, headcount, parent`` is taken as a header.
    """
    rows: list[TeamLine] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        separator = "\t" if "\t" in raw else ","
        fields = [field.strip() for field in raw.split(separator)]
        if number == 1 and fields[0].lower() in {"name", "team"}:
            continue
        if len(fields) < 2 or len(fields) > 3:
            errors.append(
                LineError(
                    number,
                    _(
                        "Write: team name, headcount (its own people, not its sub-teams'), "
                        "parent team (optional)."
                    ),
                )
            )
            continue
        name, headcount_text = fields[0], fields[1]
        parent = fields[2] if len(fields) == 3 and fields[2] else None
        if not name:
            errors.append(LineError(number, _("The team name is empty.")))
            continue
        if len(name) > 120:
            errors.append(LineError(number, _("The team name is longer than 120 characters.")))
            continue
        # isdigit() alone also accepts "²", which int() refuses.
        if not (headcount_text.isascii() and headcount_text.isdigit()):
            errors.append(
                LineError(
                    number,
                    _(
                        "Headcount %(typed)s is not a whole number of people.",
                        typed=repr(headcount_text),
                    ),
                )
            )
            continue
        if int(headcount_text) > MAX_HEADCOUNT:
            errors.append(
                LineError(
                    number,
                    _(
                        "Headcount %(typed)s is more than %(most)s.",
                        typed=headcount_text,
                        most=format(MAX_HEADCOUNT, ","),
                    ),
                )
            )
            continue
        if name.lower() in seen:
            errors.append(
                LineError(
                    number,
                    _(
                        "%(name)s is already on line %(line)s.",
                        name=repr(name),
                        line=seen[name.lower()],
                    ),
                )
            )
            continue
        seen[name.lower()] = number
        rows.append(TeamLine(number, name, int(headcount_text), parent))
    return rows, errors


def import_teams(
    organization: Organization, text: str, *, actor: User | None = None
) -> tuple[int, list[LineError]]:
    """Create or update teams from pasted lines, all or nothing (committed when saved).

    Returns how many teams were saved, or the errors by line with nothing saved.
    Parents may be existing teams or teams named elsewhere in the paste.
    """
    rows, errors = parse_team_lines(text)
    if not rows and not errors:
        return 0, [LineError(1, _("Paste at least one team."))]
    existing = {team.name.lower(): team for team in teams_of(organization.id)}
    errors.extend(_paste_problems(organization.id, rows, existing))
    if errors:
        return 0, sorted(errors, key=lambda error: error.line)
    teams = dict(existing)
    for row in rows:
        team = teams.get(row.name.lower())
        if team is None:
            team = Team(organization_id=organization.id, name=row.name)
            db.session.add(team)
            teams[row.name.lower()] = team
        team.headcount = row.headcount
    db.session.flush()
    for row in rows:
        team = teams[row.name.lower()]
        parent_id = teams[row.parent.lower()].id if row.parent else None
        if parent_id is not None and would_make_cycle(team, parent_id):
            db.session.rollback()
            return 0, [
                LineError(row.line, f"{row.parent!r} is inside {row.name!r}: that is a loop.")
            ]
        team.parent_id = parent_id
        db.session.flush()
    created = len([row for row in rows if row.name.lower() not in existing])
    audit.record(
        "teams.imported",
        f"Imported {len(rows)} team{'s' if len(rows) != 1 else ''} ({created} new)",
        actor=actor,
        organization=organization,
        details={"teams": len(rows), "created": created},
    )
    commit()
    return len(rows), []


def _paste_problems(
    organization_id: int, rows: list[TeamLine], existing: dict[str, Team]
) -> list[LineError]:
    """Lines naming unknown or archived teams, or a team as its own parent."""
    # Archived names stay taken (the unique constraint) and archived teams take no
    # new sub-teams, so a paste naming one is refused with the reason.
    archived = {team.name.lower(): team.name for team in archived_teams_of(organization_id)}
    pasted = {row.name.lower() for row in rows}
    errors: list[LineError] = []
    for row in rows:
        parent = row.parent.lower() if row.parent else None
        if row.name.lower() in archived:
            errors.append(LineError(row.line, archived_name_message(archived[row.name.lower()])))
        if parent in archived:
            errors.append(
                LineError(
                    row.line,
                    _(
                        "Parent team %(name)s is archived: restore it first.",
                        name=repr(row.parent),
                    ),
                )
            )
        elif parent and parent not in existing and parent not in pasted:
            errors.append(
                LineError(
                    row.line,
                    _("Parent team %(name)s does not exist.", name=repr(row.parent)),
                )
            )
        if parent and parent == row.name.lower():
            errors.append(LineError(row.line, _("A team cannot be its own parent.")))
    return errors
