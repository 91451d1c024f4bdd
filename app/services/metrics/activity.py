"""CRM activity logs: the remembered column mapping, and weekly figures planned from a log.

The log is streamed one row at a time through :mod:`insights.adoption`, which
folds it into weekly figures (adoption rate, stickiness, logins and records
per active user); memory grows with users × weeks, never with rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.services.metrics.crm_shapes import active_column, is_inactive
from app.services.metrics.measurable import basis, measurable
from app.services.metrics.plans import (
    ACTIVITY_LOG,
    MAPPING_FILE,
    REJECT,
    USERS_FILE,
    ActivitySummary,
    Collector,
    FileProblem,
    ImportPlan,
    csv_rows,
    finish_plan,
    header_names,
)
from insights import adoption
from insights.adoption import (
    ActivityEvent,
    ActivityMapping,
    ActivityRowReader,
    RowProblem,
    Skipped,
    WeeklyActivity,
)
from models import ImportMapping, Initiative, Team, db


def remembered_mapping(initiative: Initiative) -> ActivityMapping | None:
    row = db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.initiative_id == initiative.id, ImportMapping.kind == ACTIVITY_LOG
        )
    )
    if row is None:
        return None
    try:
        return ActivityMapping.from_settings(row.settings)
    except TypeError:  # settings written by an older version, without a required column
        return None


def remember_mapping(initiative: Initiative, mapping: ActivityMapping) -> None:
    row = db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.initiative_id == initiative.id, ImportMapping.kind == ACTIVITY_LOG
        )
    )
    if row is None:
        row = ImportMapping(initiative_id=initiative.id, kind=ACTIVITY_LOG, settings={})
        db.session.add(row)
    row.settings = mapping.settings()
    db.session.flush()


def _user_teams(
    collector: Collector, source: Iterable[str], mapping: ActivityMapping
) -> dict[str, Team | None]:
    """The user list: user → team. Unknown teams and contradictory lines are errors.

    Deactivated accounts (an IsActive/Active/Status column saying so) are noted for
    the preview."""
    users: dict[str, Team | None] = {}
    first_line: dict[str, int] = {}
    user_col = team_col = 0
    active_col: int | None = None
    summary = collector.plan.activity
    assert summary is not None
    try:
        for line, row in csv_rows(source):
            if line == 1:
                names = header_names(row)
                wanted = (mapping.users_user_column or "", mapping.users_team_column or "")
                if not all(name.strip().casefold() in names for name in wanted):
                    collector.error(
                        1, _("Name the user and team columns of the user list."), USERS_FILE
                    )
                    return users
                user_col, team_col = (names.index(n.strip().casefold()) for n in wanted)
                active_col = active_column(row)
                if active_col in (user_col, team_col):
                    active_col = None
                continue
            if not any(cell.strip() for cell in row):
                continue
            user = adoption.user_key(row[user_col]) if user_col < len(row) else ""
            if not user:
                collector.error(line, _("The user is empty."), USERS_FILE)
                continue
            try:
                team = collector.team(row[team_col] if team_col < len(row) else "")
            except RowProblem as problem:
                collector.error(line, str(problem), USERS_FILE)
                continue
            if user in users and users[user] is not team:
                collector.error(
                    line,
                    _(
                        "%(user)s is on line %(line)s with another team.",
                        user=repr(user),
                        line=first_line[user],
                    ),
                    USERS_FILE,
                )
                continue
            users[user] = team
            first_line.setdefault(user, line)
            if active_col is not None and active_col < len(row) and is_inactive(row[active_col]):
                summary.inactive.add(user)
    except FileProblem as problem:
        collector.error(problem.line, problem.message, USERS_FILE)
    return users


def plan_activity_log(
    initiative: Initiative,
    log: Iterable[str],
    mapping: ActivityMapping,
    users: Iterable[str] | None = None,
    on_conflict: str = REJECT,
    keys: Iterable[str] | None = None,
) -> ImportPlan:
    """Weekly adoption figures derived from a CRM activity log (see insights.adoption).

    The log is read one row at a time. A derived value's line is the first row
    of its week, so a week already stored is reported once, on that line. Only
    the metrics the mapping can measure are planned, and of those only ``keys``
    (default: all of them); impossible values (adoption over 100%) are errors.
    """
    collector = Collector(initiative, on_conflict)
    summary = collector.plan.activity = ActivitySummary()
    reasons = measurable(mapping)
    summary.basis = basis(mapping)
    summary.not_measurable = {key: why for key, why in reasons.items() if why is not None}
    wanted = set(reasons) if keys is None else set(keys)
    summary.stored_keys = [key for key, why in reasons.items() if why is None and key in wanted]
    try:
        week_zone = adoption.zone(mapping.week_zone)
    except ValueError as problem:
        collector.error(0, _("Time zone of the weeks: %(problem)s", problem=problem), MAPPING_FILE)
        return collector.plan
    user_teams = _user_teams(collector, users, mapping) if users is not None else {}
    activity = WeeklyActivity(week_zone, mapping.active_on)
    week_lines: dict[date, int] = {}
    try:
        _read_log(collector, log, mapping, user_teams, activity, week_lines)
    except FileProblem as problem:
        collector.error(problem.line, problem.message)
    headcounts = {team.name: team.headcount for team in collector.teams.values()}
    by_name = {team.name: team for team in collector.teams.values()}
    figures = activity.figures(initiative.licensed_seats, headcounts)
    if adoption.ADOPTION_RATE in summary.stored_keys:
        _refuse_impossible(collector, figures, week_lines)
    for week, team, key, value in adoption.observations(figures):
        if key not in summary.stored_keys:
            continue  # not measurable from this file, or not chosen: never stored
        if key == adoption.ADOPTION_RATE and value > 100:
            continue  # refused above, with the active users and the headcount
        team_id = by_name[team].id if team else None
        collector.add(week_lines[week], week, team_id, collector.metrics[key], value)
    summary.logins, summary.records = activity.logins, activity.records
    if week_lines:
        summary.first_week, summary.last_week = min(week_lines), max(week_lines)
    if not collector.plan.errors and not collector.plan.observations and summary.rows:
        collector.error(0, _counts_nothing(mapping, summary), MAPPING_FILE)
    return finish_plan(collector, conflicts_per_line=False)


def _refuse_impossible(
    collector: Collector, figures: list[adoption.WeekFigures], week_lines: dict[date, int]
) -> None:
    """More active users than people: a wrong headcount or user list, never a value to store."""
    for figure in figures:
        if figure.seats <= 0 or figure.active_users <= figure.seats:
            continue
        figures_of = {
            "week": figure.week.isoformat(),
            "active": figure.active_users,
            "seats": figure.seats,
            "rate": f"{figure.adoption_rate or 0:g}",
        }
        if figure.team is None:
            message = _(
                "Week of %(week)s, the whole initiative: %(active)s active users but %(seats)s "
                "licensed seats — adoption %(rate)s%% is impossible. Check the user list or "
                "raise the initiative's licensed seats.",
                **figures_of,
            )
        else:
            message = _(
                "Week of %(week)s, team %(team)s: %(active)s active users but a headcount of "
                "%(seats)s — adoption %(rate)s%% is impossible. Check the user list or correct "
                "the team's own headcount under Teams.",
                team=figure.team,
                **figures_of,
            )
        collector.error(week_lines.get(figure.week, 1), message)


def _counts_nothing(mapping: ActivityMapping, summary: ActivitySummary) -> str:
    """Which setting to change when every row is left out, with what the rows held."""
    seen = ", ".join(reason for reason, _count in summary.skipped.most_common(3))
    settings = []
    if mapping.event_column:
        settings.append(
            _(
                "“Event types that are logins” (%(logins)s) and “Event types that create or "
                "update a record” (%(records)s) for the column %(column)s",
                logins=", ".join(mapping.login_events) or _("none"),
                records=", ".join(mapping.record_events) or _("none"),
                column=repr(mapping.event_column),
            )
        )
    if mapping.status_column:
        settings.append(
            _(
                "“Statuses that count” (%(statuses)s) for the column %(column)s",
                statuses=", ".join(mapping.counted_statuses) or _("all"),
                column=repr(mapping.status_column),
            )
        )
    if mapping.active_on == adoption.RECORD:
        settings.append(_("“A user is active in a week when they” (record changes only)"))
    check = "; ".join(settings) or _("the user and timestamp columns")
    if seen:
        return str(
            _(
                "No row counts with this mapping: check %(settings)s. Rows left out: %(seen)s.",
                settings=check,
                seen=seen,
            )
        )
    return str(_("No row counts with this mapping: check %(settings)s.", settings=check))


def _read_log(
    collector: Collector,
    log: Iterable[str],
    mapping: ActivityMapping,
    user_teams: Mapping[str, Team | None],
    activity: WeeklyActivity,
    week_lines: dict[date, int],
) -> None:
    summary = collector.plan.activity
    assert summary is not None
    reader: ActivityRowReader | None = None
    users: set[str] = set()
    without_team: set[str] = set()
    inactive_active: set[str] = set()
    for line, row in csv_rows(log):
        if reader is None:
            try:
                reader = ActivityRowReader(mapping, row)
            except (RowProblem, ValueError) as problem:
                collector.error(0, str(problem), MAPPING_FILE)
                return
            continue
        if not any(cell.strip() for cell in row):
            continue
        summary.rows += 1
        try:
            event = reader.read(row)
            if isinstance(event, Skipped):
                summary.skipped.note(event.reason)
                continue
            # The log's own team column first, else the user list.
            team = collector.team(event.team) if event.team else user_teams.get(event.user)
        except RowProblem as problem:
            collector.error(line, str(problem))
            continue
        users.add(event.user)
        if team is None:
            without_team.add(event.user)
        if event.user in summary.inactive:
            inactive_active.add(event.user)
        named = ActivityEvent(event.user, event.at, event.kind, team.name if team else None)
        week_lines.setdefault(activity.add(named), line)
    summary.users = len(users)
    summary.users_without_team = len(without_team)
    summary.examples_without_team = sorted(without_team)[:5]
    summary.inactive_in_log = sorted(inactive_active)
