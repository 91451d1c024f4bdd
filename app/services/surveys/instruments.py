"""Building surveys: the statements a survey asks, frozen into numbered versions.

A campaign asks one version, so editing a survey never changes what a past
campaign asked or how its answers are scored. Saving a survey is a whole
action: ``create_survey`` and ``update_survey`` commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
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
from survey.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, is_language

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
    """A statement the consultant writes, on one of the library's scored scales.

    ``text`` is in the survey's default language (required); ``translations``
    holds (language, text) for the other languages it is given in. A language
    without a text shows staff the default language's, and the consultant a mark.
    """

    text: str
    scale: str
    reverse: bool = False
    translations: tuple[tuple[str, str], ...] = ()

    def texts(self, language: str) -> dict[str, str]:
        """Every non-blank text by language, ``language`` (the survey's default) included."""
        given = {**dict(self.translations), language: self.text}
        return {code: text.strip() for code, text in given.items() if text and text.strip()}


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
    language: str = DEFAULT_LANGUAGE  # the survey's default: custom texts are split by it


def create_survey(
    initiative: Initiative,
    title: str,
    intro: str,
    dimension_keys: Sequence[str],
    custom: Sequence[CustomItem] = (),
    created_by: User | None = None,
    reminders: Reminders | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Survey:
    """A new survey of ``initiative`` with its version 1, committed.

    ``language`` is the survey's default: staff whose browser asks for none of
    the survey's languages read it, and custom statements must have a text in it.
    """
    _check_title(title, intro)
    _check_language(language)
    reminders = reminders or Reminders()
    _check_reminders(reminders)
    items = _built_items(None, dimension_keys, custom, language)
    survey = Survey(
        initiative_id=initiative.id,
        title=title.strip(),
        intro=intro.strip(),
        created_by_id=created_by.id if created_by else None,
        reminder_after_days=reminders.after_days,
        reminder_limit=reminders.limit,
        default_language=language,
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
    language: str | None = None,
) -> SurveyVersion | None:
    """Save title, introduction and statements; changed statements make a new version.

    Committed. Returns the new version, or None when the statements did not change.
    Campaigns that have opened keep the version they asked; campaigns still
    scheduled (no answers yet) move to the new version, so they ask what the
    consultant sees now. ``reminders`` None keeps the survey's reminder settings,
    ``language`` None its default language.
    """
    _check_title(title, intro)
    language = language or survey.default_language or DEFAULT_LANGUAGE
    _check_language(language)
    if reminders is not None:
        _check_reminders(reminders)
    items = _built_items(survey.id, dimension_keys, custom, language)
    survey.title = title.strip()
    survey.default_language = language
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


def choice_of(version: SurveyVersion, language: str = DEFAULT_LANGUAGE) -> Choice:
    """The dimensions and custom statements a version was built from (to edit it), the
    custom texts split into the default ``language``'s and the others."""
    keys: list[str] = []
    custom: list[CustomItem] = []
    for item in items_from_snapshot(version.items):
        if item.dimension == CUSTOM_DIMENSION:
            texts = item.texts()
            own = texts.pop(language, "")
            custom.append(CustomItem(own, item.scale, item.reverse, tuple(sorted(texts.items()))))
        elif item.dimension in DIMENSIONS_BY_KEY and item.dimension not in keys:
            keys.append(item.dimension)
    return Choice(keys, custom, language)


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


def fallbacks_of(items: Sequence[Item], default: str) -> dict[str, list[tuple[str, str]]]:
    """For each item missing some staff language: (that language, the language staff who
    chose it read instead). Library items have every language; custom ones may not."""
    found: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        missing = item.missing_languages(LANGUAGES)
        if missing:
            found[item.key] = [(code, item.wording(code, default)[1]) for code in missing]
    return found


def _custom_number(key: str) -> int:
    match = _CUSTOM_KEY.fullmatch(key)
    return int(match.group(1)) if match else 0


def _built_items(
    survey_id: int | None,
    dimension_keys: Sequence[str],
    custom: Sequence[CustomItem],
    language: str = DEFAULT_LANGUAGE,
) -> list[dict[str, Any]]:
    """The snapshot of a new version, with stable keys for custom statements.

    ``build_items`` numbers custom statements custom_1, custom_2, ... by
    position. Answers are compared across campaigns by item key, so a custom
    statement keeps the key it had in an earlier version of the survey (same
    text, scale and direction), and a new one gets a number never used before.
    Every language's text is frozen into the version with the item.
    """
    problems: dict[str, str] = {}
    if not dimension_keys and not custom:
        problems["dimensions"] = _("Pick at least one dimension or write a statement of your own.")
    if len(custom) > MAX_CUSTOM_ITEMS:
        # About the statements of their own as a whole: shown above the form.
        problems[WHOLE_REQUEST] = _(
            "Add at most %(count)s statements of your own.", count=MAX_CUSTOM_ITEMS
        )
    for number, given in enumerate(custom, start=1):
        if not given.text.strip():
            problems[WHOLE_REQUEST] = missing_default_text(number, language)
            break
    texts = [item.text.strip().casefold() for item in custom if item.text.strip()]
    if len(set(texts)) != len(texts):
        problems[WHOLE_REQUEST] = _("The same statement of your own is there twice.")
    if problems:
        raise ServiceError(problems)
    try:
        items = build_items(
            list(dimension_keys),
            [(item.texts(language), item.scale, item.reverse) for item in custom],
            language,
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
            item = replace(item, key=key)
        keyed.append(item)
    return snapshot(keyed)


def missing_default_text(number: int, language: str) -> str:
    """Custom statement ``number`` was given in other languages but not in the default."""
    return str(
        _(
            "Custom statement %(number)s needs a text in %(language)s, the survey’s default"
            " language.",
            number=number,
            language=LANGUAGE_NAMES.get(language, language),
        )
    )


def _check_language(language: str) -> None:
    if not is_language(language):
        raise ServiceError(
            _("Choose one of the languages offered as the survey’s default."), "default_language"
        )


def _check_title(title: str, intro: str) -> None:
    problems = {}
    if not title.strip():
        problems["title"] = _("Give the survey a title; staff see it at the top of the pulse.")
    elif len(title.strip()) > MAX_TITLE:
        problems["title"] = _("Keep the title under %(count)s characters.", count=MAX_TITLE)
    if len(intro.strip()) > MAX_INTRO:
        problems["intro"] = _(
            "Keep the introduction under %(count)s characters.", count=f"{MAX_INTRO:,}"
        )
    if problems:
        raise ServiceError(problems)


def _check_reminders(reminders: Reminders) -> None:
    problems = {}
    if not 1 <= reminders.after_days <= MAX_REMINDER_AFTER_DAYS:
        problems["reminder_after_days"] = _(
            "Remind after 1 to %(count)s days.", count=MAX_REMINDER_AFTER_DAYS
        )
    if not 0 <= reminders.limit <= MAX_REMINDERS:
        problems["reminder_limit"] = _(
            "Send 0 to %(count)s reminders (0: none).", count=MAX_REMINDERS
        )
    if problems:
        raise ServiceError(problems)
