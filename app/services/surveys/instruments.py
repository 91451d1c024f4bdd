"""Building surveys: the statements a survey asks, frozen into numbered versions.

A campaign asks one version, so editing a survey never changes what a past
campaign asked or how its answers are scored. Saving a survey is a whole
action: ``create_survey`` and ``update_survey`` commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app.services.errors import WHOLE_REQUEST, ServiceError
from app.services.transaction import commit
from models import Campaign, Initiative, Survey, SurveyVersion, User, db
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


# Reminders to unused personal links (app/services/reminders.py): a reminder more
# often than monthly or more than five of them would be nagging, not reminding.
MAX_REMINDER_AFTER_DAYS = 30


MAX_REMINDERS = 5


_CUSTOM_KEY = re.compile(r"custom_(\d+)")


@dataclass(frozen=True)
class CustomItem:
    """A statement the consultant writes, on one of the library's scored scales."""

    text: str
    scale: str
    reverse: bool = False


@dataclass(frozen=True)
class Reminders:
    """When unused personal links are reminded: ``after_days`` after the campaign opens,
    then every as many days, at most ``limit`` times (0: never)."""

    after_days: int = 3
    limit: int = 1


@dataclass(frozen=True)
class Choice:
    """What a version was built from: library dimensions and custom statements."""

    dimension_keys: list[str]
    custom: list[CustomItem]


def create_survey(
    initiative: Initiative,
    title: str,
    intro: str,
    dimension_keys: Sequence[str],
    custom: Sequence[CustomItem] = (),
    created_by: User | None = None,
    reminders: Reminders | None = None,
) -> Survey:
    """A new survey of ``initiative`` with its version 1, committed."""
    _check_title(title, intro)
    reminders = reminders or Reminders()
    _check_reminders(reminders)
    items = _built_items(None, dimension_keys, custom)
    survey = Survey(
        initiative_id=initiative.id,
        title=title.strip(),
        intro=intro.strip(),
        created_by_id=created_by.id if created_by else None,
        reminder_after_days=reminders.after_days,
        reminder_limit=reminders.limit,
    )
    db.session.add(survey)
    db.session.flush()
    db.session.add(SurveyVersion(survey_id=survey.id, number=1, items=items))
    commit()
    return survey


def update_survey(
    survey: Survey,
    title: str,
    intro: str,
    dimension_keys: Sequence[str],
    custom: Sequence[CustomItem],
    now: datetime,
    reminders: Reminders | None = None,
) -> SurveyVersion | None:
    """Save title, introduction and statements; changed statements make a new version.

    Committed. Returns the new version, or None when the statements did not change.
    Campaigns that have opened keep the version they asked; campaigns still
    scheduled (no answers yet) move to the new version, so they ask what the
    consultant sees now. ``reminders`` None keeps the survey's reminder settings.
    """
    _check_title(title, intro)
    if reminders is not None:
        _check_reminders(reminders)
    items = _built_items(survey.id, dimension_keys, custom)
    survey.title = title.strip()
    survey.intro = intro.strip()
    if reminders is not None:
        survey.reminder_after_days = reminders.after_days
        survey.reminder_limit = reminders.limit
    latest = latest_version(survey.id)
    if latest.items == items:
        commit()
        return None
    version = SurveyVersion(survey_id=survey.id, number=latest.number + 1, items=items)
    db.session.add(version)
    db.session.flush()
    db.session.execute(
        update(Campaign)
        .where(Campaign.survey_id == survey.id, Campaign.opens_at > now)
        .values(version_id=version.id)
    )
    commit()
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


def latest_version(survey_id: int) -> SurveyVersion:
    return db.session.scalars(
        select(SurveyVersion)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.number.desc())
        .limit(1)
    ).one()


def scored_items(version: SurveyVersion) -> list[Item]:
    return [item for item in items_from_snapshot(version.items) if is_scored(item)]


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
        # About the statements of their own as a whole: shown above the form.
        problems[WHOLE_REQUEST] = f"Add at most {MAX_CUSTOM_ITEMS} statements of your own."
    texts = [item.text.strip().casefold() for item in custom]
    if len(set(texts)) != len(texts):
        problems[WHOLE_REQUEST] = "The same statement of your own is there twice."
    if problems:
        raise ServiceError(problems)
    try:
        items = build_items(
            list(dimension_keys),
            [(item.text.strip(), item.scale, item.reverse) for item in custom],
        )
    except ValueError as error:
        message = str(error)
        raise ServiceError({"dimensions": message[:1].upper() + message[1:] + "."}) from None
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
        raise ServiceError(problems)


def _check_reminders(reminders: Reminders) -> None:
    problems = {}
    if not 1 <= reminders.after_days <= MAX_REMINDER_AFTER_DAYS:
        problems["reminder_after_days"] = f"Remind after 1 to {MAX_REMINDER_AFTER_DAYS} days."
    if not 0 <= reminders.limit <= MAX_REMINDERS:
        problems["reminder_limit"] = f"Send 0 to {MAX_REMINDERS} reminders (0: none)."
    if problems:
        raise ServiceError(problems)
