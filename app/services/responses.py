"""The survey-submission hot path: one response, its answers and the tallies, in one transaction.

SQLAlchemy Core inserts (about a third of the ORM's cost per answer) and
upserts of the exact per-campaign/team/item/value tallies, so results never
need to scan answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import exists, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from models import Answer, AnswerTally, Campaign, PersonalLink, Response, ResponseTally, db


class LinkAlreadyUsed(Exception):
    """A personal link was used by a submission that committed first."""


class CampaignClosed(Exception):
    """The campaign closed (or was published) before the answer could be written."""


def _upsert(table: type[ResponseTally] | type[AnswerTally]) -> Insert:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
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


def record_response(
    campaign_id: int,
    team_id: int,
    answers: Mapping[str, int],
    comment: str | None,
    today: date,
    *,
    now: datetime | None = None,
) -> int:
    """Store one validated response and update the tallies; the caller commits.

    ``answers`` maps item keys to values already checked against the
    campaign's version; free text goes in ``comment``, never in answers.

    The response row is inserted only while the campaign is unpublished and,
    given ``now`` (the moment of writing), still open: the check and the
    write are one statement, so an answer that was slow to arrive can never
    change a published campaign. ``CampaignClosed`` otherwise; the caller
    rolls back.
    """
    comment = (comment or "").strip() or None
    still_open = [Campaign.id == campaign_id, Campaign.published_at.is_(None)]
    if now is not None:
        still_open.append(Campaign.closes_at > now)
    row = select(
        literal(campaign_id),
        literal(team_id),
        literal(today),
        literal(comment, Response.comment.type),
    ).where(exists().where(*still_open))
    response_id = db.session.execute(
        insert(Response)
        .from_select(["campaign_id", "team_id", "submitted_on", "comment"], row)
        .returning(Response.id)
    ).scalar_one_or_none()
    if response_id is None:
        raise CampaignClosed
    if answers:
        db.session.execute(
            insert(Answer),
            [
                {"response_id": response_id, "item_key": key, "value": value}
                for key, value in answers.items()
            ],
        )
        tally = _upsert(AnswerTally)
        db.session.execute(
            tally.on_conflict_do_update(
                index_elements=["campaign_id", "team_id", "item_key", "value"],
                set_={"n": AnswerTally.n + 1},
            ),
            [
                {"campaign_id": campaign_id, "team_id": team_id, "item_key": key, "value": value,
                 "n": 1}
                for key, value in answers.items()
            ],
        )  # fmt: skip
    responses = _upsert(ResponseTally)
    db.session.execute(
        responses.values(
            campaign_id=campaign_id, team_id=team_id, responses=1, comments=1 if comment else 0
        ).on_conflict_do_update(
            index_elements=["campaign_id", "team_id"],
            set_={
                "responses": ResponseTally.responses + 1,
                "comments": ResponseTally.comments + (1 if comment else 0),
            },
        )
    )
    return response_id
