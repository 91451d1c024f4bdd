"""The survey-submission hot path: one response, its answers and the tallies, in one transaction.

SQLAlchemy Core inserts (about a third of the ORM's cost per answer) and
upserts of the exact per-campaign/team/item/value tallies, so results never
need to scan answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from models import Answer, AnswerTally, PersonalLink, Response, ResponseTally, db


class LinkAlreadyUsed(Exception):
    """A personal link was used by a submission that committed first."""


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
) -> int:
    """Store one validated response and update the tallies; the caller commits.

    ``answers`` maps item keys to values already checked against the
    campaign's version; free text goes in ``comment``, never in answers.
    """
    comment = (comment or "").strip() or None
    response_id = db.session.execute(
        insert(Response)
        .values(campaign_id=campaign_id, team_id=team_id, submitted_on=today, comment=comment)
        .returning(Response.id)
    ).scalar_one()
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
