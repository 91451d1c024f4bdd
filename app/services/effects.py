"""Did the action work? Each done action against the teams it did not touch.

An action (a Kotter step action, or a "you said, we did" entry) is tied to its step's
measures: the initiative's headline adoption metric (the adoption rate, else the first
usage metric: the one the dashboard and the diagnosis read per team) and the pulse
dimension of its step (a "you said, we did" entry: the dimension it answers). The
estimate itself is ``insights.effects.estimate_effect``; this module only picks the
actions, and ``app.services.effect_readings`` reads the figures every page already
shows (how metric and pulse series are read and folded is described there).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from sqlalchemy import select

from app.services.effect_readings import ActionEffect, Readings
from models import Action, ActionTeam, Initiative, Survey, SurveyAction, db

# The dashboard lists the actions done in this many days.
RECENT_DAYS = 90
RECENT_LIMIT = 5


def effect_of_action(action: Action, today: date) -> ActionEffect | None:
    """The effect of a step action; None when it is not done or not known when it was."""
    if action.status != "done" or action.done_at is None:
        return None
    initiative = db.session.get_one(Initiative, action.initiative_id)
    teams = {row.team_id for row in action.teams}
    done_on = action.done_at.date()
    return Readings(initiative, done_on).step_effect(action, teams, today)


def effect_of_survey_action(action: SurveyAction, today: date) -> ActionEffect | None:
    """The effect of a "you said, we did" entry; None without its day done."""
    if action.done_on is None:
        return None
    survey = db.session.get_one(Survey, action.survey_id)
    initiative = db.session.get_one(Initiative, survey.initiative_id)
    return Readings(initiative, action.done_on).survey_effect(action, today)


def effects_for_initiative(
    initiative: Initiative, today: date, *, since: date | None = None, limit: int | None = None
) -> list[ActionEffect]:
    """Every done action of the initiative (both kinds) with its effect, newest first.

    ``since`` keeps those done on or after that day, ``limit`` the newest so many;
    actions done with no record of the day are left out (they cannot be measured).
    """
    done: list[tuple[date, int, Action | SurveyAction]] = []
    steps = select(Action).where(
        Action.initiative_id == initiative.id,
        Action.status == "done",
        Action.done_at.is_not(None),
    )
    for action in db.session.scalars(steps):
        assert action.done_at is not None
        done.append((action.done_at.date(), action.id, action))
    entries = (
        select(SurveyAction)
        .join(Survey, Survey.id == SurveyAction.survey_id)
        .where(Survey.initiative_id == initiative.id, SurveyAction.done_on.is_not(None))
    )
    for entry in db.session.scalars(entries):
        assert entry.done_on is not None
        done.append((entry.done_on, entry.id, entry))
    if since is not None:
        done = [row for row in done if row[0] >= since]
    done.sort(key=lambda row: (row[0], isinstance(row[2], Action), row[1]), reverse=True)
    chosen = done if limit is None else done[:limit]
    items = [item for _, _, item in chosen]
    readings = Readings(initiative, min((day for day, _, _ in chosen), default=None))
    touched = _action_teams([item.id for item in items if isinstance(item, Action)])
    found = []
    for item in items:
        if isinstance(item, Action):
            effect = readings.step_effect(item, touched.get(item.id, set()), today)
        else:
            effect = readings.survey_effect(item, today)
        found.append(effect)
    return found


def recent_effects(initiative: Initiative, today: date) -> list[ActionEffect]:
    """The dashboard's "Did it work?": actions done in the last ``RECENT_DAYS``, newest first."""
    since = today - timedelta(days=RECENT_DAYS)
    return effects_for_initiative(initiative, today, since=since, limit=RECENT_LIMIT)


def survey_effects(survey_id: int, today: date) -> dict[int, ActionEffect]:
    """The effect of each dated "you said, we did" entry of a survey, by entry id."""
    entries = list(
        db.session.scalars(
            select(SurveyAction).where(
                SurveyAction.survey_id == survey_id, SurveyAction.done_on.is_not(None)
            )
        )
    )
    if not entries:
        return {}
    survey = db.session.get_one(Survey, survey_id)
    earliest = min(entry.done_on for entry in entries if entry.done_on is not None)
    readings = Readings(db.session.get_one(Initiative, survey.initiative_id), earliest)
    return {entry.id: readings.survey_effect(entry, today) for entry in entries}


def _action_teams(action_ids: Collection[int]) -> dict[int, set[int]]:
    """The teams chosen for each action (one query); an action with none is not listed."""
    if not action_ids:
        return {}
    chosen: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(ActionTeam.action_id, ActionTeam.team_id).where(
            ActionTeam.action_id.in_(list(action_ids))
        )
    )
    for action_id, team_id in rows:
        chosen.setdefault(action_id, set()).add(team_id)
    return chosen
