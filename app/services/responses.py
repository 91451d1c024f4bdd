"""The survey-submission hot path: one response, its answers and the tallies, in one transaction.

SQLAlchemy Core inserts (about a third of the ORM's cost per answer) and
upserts of the exact per-campaign/team/item/value tallies, so results never
need to scan answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Date, Integer, Table, Text, bindparam, exists, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert, ReturningInsert

from models import (
    Answer,
    AnswerTally,
    Campaign,
    CampaignTeam,
    PersonalLink,
    Response,
    ResponseTally,
    TeamLink,
    db,
)

_ANSWER = cast(Table, Answer.__table__)
_ANSWER_TALLY = cast(Table, AnswerTally.__table__)
_RESPONSE = cast(Table, Response.__table__)
_RESPONSE_TALLY = cast(Table, ResponseTally.__table__)


class LinkAlreadyUsed(Exception):
    """A personal link was used by a submission that committed first."""


class CampaignClosed(Exception):
    """The campaign closed (or was published) before the answer could be written."""


def _dialect_insert(dialect: str) -> Callable[[Table], postgresql.Insert | sqlite.Insert]:
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise RuntimeError(f"tallies need PostgreSQL or SQLite, not {dialect}")


def claim_personal_link(link_id: int, today: date) -> None:
    """Mark a personal link used, atomically: of two racing submissions only one wins."""
    claimed = db.session.execute(
        update(PersonalLink)
        .where(PersonalLink.id == link_id, PersonalLink.used_on.is_(None))
        .values(used_on=today)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkAlreadyUsed


# The statements are built once (per guard and dialect) and run on the session's
# connection as Core: building them and the ORM's bulk path cost more than the
# database's work on SQLite.


@cache
def _insert_response(timed: bool, versioned: bool, linked: bool) -> ReturningInsert[int]:
    """INSERT ... SELECT ... WHERE EXISTS (the campaign still takes answers) RETURNING id."""
    campaign_id = bindparam("campaign_id", type_=Integer)
    team_id = bindparam("team_id", type_=Integer)
    still_open: list[Any] = [Campaign.id == campaign_id, Campaign.published_at.is_(None)]
    if timed:
        now = bindparam("now", type_=Campaign.closes_at.type)
        still_open += [Campaign.opens_at <= now, Campaign.closes_at > now]
    if versioned:
        still_open.append(Campaign.version_id == bindparam("version_id", type_=Integer))
    if linked:
        # A team link: it still exists for this team and survey, and the
        # campaign still asks this team.
        still_open.append(
            exists().where(
                TeamLink.code == bindparam("code", type_=TeamLink.code.type),
                TeamLink.team_id == team_id,
                TeamLink.survey_id == Campaign.survey_id,
            )
        )
        still_open.append(
            exists().where(CampaignTeam.campaign_id == campaign_id, CampaignTeam.team_id == team_id)
        )
    row = select(
        campaign_id,
        team_id,
        bindparam("today", type_=Date),
        bindparam("comment", type_=Text),
        bindparam("language", type_=_RESPONSE.c.language.type),
    ).where(exists().where(*still_open))
    return (
        _RESPONSE.insert()
        .from_select(["campaign_id", "team_id", "submitted_on", "comment", "language"], row)
        .returning(_RESPONSE.c.id)
    )


@cache
def _tally_answers(dialect: str) -> Insert:
    upsert = _dialect_insert(dialect)(_ANSWER_TALLY)
    return upsert.on_conflict_do_update(
        index_elements=["campaign_id", "team_id", "item_key", "value"],
        set_={"n": _ANSWER_TALLY.c.n + upsert.excluded.n},
    )


@cache
def _tally_response(dialect: str) -> Insert:
    upsert = _dialect_insert(dialect)(_RESPONSE_TALLY)
    return upsert.on_conflict_do_update(
        index_elements=["campaign_id", "team_id"],
        set_={
            "responses": _RESPONSE_TALLY.c.responses + upsert.excluded.responses,
            "comments": _RESPONSE_TALLY.c.comments + upsert.excluded.comments,
        },
    )


# On PostgreSQL the answers, their tallies and the response tally are one statement (data-
# modifying CTEs) with the answers as two arrays: one round trip instead of three, and no
# per-answer protocol work, which was most of a submission's cost there.
_PG_ANSWERS_AND_TALLIES = text("""
WITH answers AS (
    INSERT INTO answer (response_id, item_key, value)
    SELECT :response_id, k, v
    FROM unnest(CAST(:keys AS varchar[]), CAST(:values AS integer[])) AS given(k, v)
    RETURNING item_key, value
), tallied AS (
    INSERT INTO answer_tally (campaign_id, team_id, item_key, value, n)
    SELECT :campaign_id, :team_id, item_key, value, 1 FROM answers
    ON CONFLICT (campaign_id, team_id, item_key, value)
    DO UPDATE SET n = answer_tally.n + EXCLUDED.n
)
INSERT INTO response_tally (campaign_id, team_id, responses, comments)
VALUES (:campaign_id, :team_id, 1, :comments)
ON CONFLICT (campaign_id, team_id) DO UPDATE SET
    responses = response_tally.responses + EXCLUDED.responses,
    comments = response_tally.comments + EXCLUDED.comments
""")


def record_response(
    campaign_id: int,
    team_id: int,
    answers: Mapping[str, int],
    comment: str | None,
    today: date,
    *,
    now: datetime | None = None,
    version_id: int | None = None,
    team_link: str | None = None,
    language: str | None = None,
) -> int:
    """Store one validated response and update the tallies; the caller commits.

    ``answers`` maps item keys to values already checked against the
    campaign's version; free text goes in ``comment``, never in answers.

    The response row is inserted only while the campaign is unpublished and,
    given ``now`` (the moment of writing), open; given ``version_id``, while
    the campaign still asks that version (the one the answers were checked
    against); given ``team_link`` (the code the answer came through), while
    that link still exists for this team and the campaign still asks the
    team. The checks and the write are one statement, so an answer that was
    slow to arrive, or checked against a cached link that has since changed,
    can never reach a published campaign or the wrong one. ``CampaignClosed``
    otherwise; the caller rolls back. ``language`` is the language the form was
    read in (None when unknown, as for imports).

    Four statements in all on SQLite, whatever the number of answers: the
    response, its answers (one executemany), their tallies (one executemany of
    upserts) and the response tally; two on PostgreSQL, where the last three
    are one.
    """
    comment = (comment or "").strip() or None
    db.session.flush()  # what the caller added first (a Core statement does not autoflush)
    connection = db.session.connection()
    params: dict[str, Any] = {
        "campaign_id": campaign_id,
        "team_id": team_id,
        "today": today,
        "comment": comment,
        "language": language,
    }
    if now is not None:
        params["now"] = now
    if version_id is not None:
        params["version_id"] = version_id
    if team_link is not None:
        params["code"] = team_link
    statement = _insert_response(now is not None, version_id is not None, team_link is not None)
    response_id = connection.execute(statement, params).scalar_one_or_none()
    if response_id is None:
        raise CampaignClosed
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(
            _PG_ANSWERS_AND_TALLIES,
            {
                "response_id": response_id, "campaign_id": campaign_id, "team_id": team_id,
                "keys": list(answers), "values": list(answers.values()),
                "comments": 1 if comment else 0,
            },
        )  # fmt: skip
        return int(response_id)
    if answers:
        connection.execute(
            _ANSWER.insert(),
            [
                {"response_id": response_id, "item_key": key, "value": value}
                for key, value in answers.items()
            ],
        )
        connection.execute(
            _tally_answers(dialect),
            [
                {"campaign_id": campaign_id, "team_id": team_id, "item_key": key, "value": value,
                 "n": 1}
                for key, value in answers.items()
            ],
        )  # fmt: skip
    connection.execute(
        _tally_response(dialect),
        {
            "campaign_id": campaign_id,
            "team_id": team_id,
            "responses": 1,
            "comments": 1 if comment else 0,
        },
    )
    return int(response_id)
