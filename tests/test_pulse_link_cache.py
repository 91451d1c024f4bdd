"""The per-worker cache of team links never serves a stale campaign, team or link.

Every check goes through HTTP: staff on ``/p/<code>`` with one client, the
consultant changing things through the app with another. A change made by
"another worker" is simulated by writing on a Core connection, which the
ORM's session events (this worker's invalidation) never see: only the write's
own checks and the cache's expiry protect those.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, event, func, select, update

from app.services import pulse as pulses
from models import (
    Answer,
    AnswerTally,
    Campaign,
    Response,
    ResponseTally,
    Survey,
    TeamLink,
    db,
)
from models.base import utcnow
from tests import builders
from tests.builders import make_campaign
from tests.conftest import World

FULL = {"item-resistance_unknown_1": "4", "item-resistance_unknown_2": "2", "item-recommend": "9"}
OPEN_FORM = "Send my answers"


@pytest.fixture
def consultant(app: Flask, world: World) -> FlaskClient:
    other = app.test_client()
    builders.login(other, world.consultant)
    return other


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _elsewhere(statement: object) -> None:
    """A change committed by another worker: no session event of this one sees it."""
    with db.engine.begin() as connection:
        connection.execute(statement)  # type: ignore[call-overload]
    # The requests of the test client share this test's session: forget what it holds,
    # as a fresh request of a real worker would.
    db.session.expire_all()


def test_a_repeated_visit_does_not_look_the_link_up_again(client: FlaskClient, code: str) -> None:
    assert OPEN_FORM in client.get(f"/p/{code}").get_data(as_text=True)
    with _statements() as seen:
        assert client.post(f"/p/{code}", data=FULL).status_code == 302
        assert OPEN_FORM in client.get(f"/p/{code}").get_data(as_text=True)
    assert not [sql for sql in seen if "team_link" in sql and sql.lstrip().startswith("SELECT")]
    # The write: the response, then its answers, their tallies and the response tally
    # (four statements on SQLite, one with data-modifying CTEs on PostgreSQL).
    writes = [sql for sql in seen if sql.lstrip().startswith(("INSERT", "WITH"))]
    assert len(writes) == (2 if db.engine.dialect.name == "postgresql" else 4)


def test_closing_early_closes_the_cached_link(
    client: FlaskClient, consultant: FlaskClient, code: str, campaign: Campaign
) -> None:
    assert client.post(f"/p/{code}", data=FULL).status_code == 302  # cached now
    assert consultant.post(f"/campaigns/{campaign.id}/close").status_code == 302

    page = client.get(f"/p/{code}")
    assert page.status_code == 200 and "No pulse is open right now" in page.get_data(as_text=True)
    posted = client.post(f"/p/{code}", data=FULL)
    assert posted.status_code == 200
    assert "No pulse is open right now" in posted.get_data(as_text=True)
    assert _count(Response) == 1
    assert db.session.scalar(select(func.sum(ResponseTally.responses))) == 1


def test_closing_in_another_worker_is_refused_by_the_write(
    client: FlaskClient, code: str, campaign: Campaign
) -> None:
    assert OPEN_FORM in client.get(f"/p/{code}").get_data(as_text=True)  # cached now
    _elsewhere(update(Campaign).where(Campaign.id == campaign.id).values(closes_at=utcnow()))

    posted = client.post(f"/p/{code}", data=FULL)
    assert posted.status_code == 200
    assert "No pulse is open right now" in posted.get_data(as_text=True)
    assert _count(Response) == 0 and _count(Answer) == 0 and _count(AnswerTally) == 0
    # The refusal dropped this worker's stale copy.
    assert "No pulse is open right now" in client.get(f"/p/{code}").get_data(as_text=True)


def test_a_published_campaign_never_takes_a_late_answer_from_the_cache(
    client: FlaskClient, code: str, campaign: Campaign
) -> None:
    assert OPEN_FORM in client.get(f"/p/{code}").get_data(as_text=True)
    _elsewhere(update(Campaign).where(Campaign.id == campaign.id).values(published_at=utcnow()))
    assert client.post(f"/p/{code}", data=FULL).status_code == 200
    assert _count(Response) == 0 and _count(ResponseTally) == 0


def test_a_link_deleted_in_another_worker_takes_no_answer(
    client: FlaskClient, code: str, campaign: Campaign
) -> None:
    assert OPEN_FORM in client.get(f"/p/{code}").get_data(as_text=True)
    _elsewhere(delete(TeamLink).where(TeamLink.code == code))
    posted = client.post(f"/p/{code}", data=FULL)
    assert posted.status_code == 404  # read again after the refusal: no such link
    assert _count(Response) == 0


def test_a_team_taken_out_of_the_campaign_elsewhere_takes_no_answer(
    client: FlaskClient, code: str, campaign: Campaign, world: World
) -> None:
    from models import CampaignTeam

    assert OPEN_FORM in client.get(f"/p/{code}").get_data(as_text=True)
    _elsewhere(delete(CampaignTeam).where(CampaignTeam.team_id == world.team.id))
    assert client.post(f"/p/{code}", data=FULL).status_code == 200
    assert _count(Response) == 0


def test_a_cached_link_expires_after_its_seconds(
    app: Flask, client: FlaskClient, code: str, campaign: Campaign, world: World
) -> None:
    assert "Claims" in client.get(f"/p/{code}").get_data(as_text=True)
    from models import Team

    _elsewhere(update(Team).where(Team.id == world.team.id).values(name="Claims Desk"))
    assert "Claims Desk" not in client.get(f"/p/{code}").get_data(as_text=True)  # still cached
    app.config[pulses.LINK_CACHE_SETTING] = 0.0  # no cache: read every time
    assert "Claims Desk" in client.get(f"/p/{code}").get_data(as_text=True)


def test_a_new_campaign_shows_on_the_cached_link(
    client: FlaskClient, code: str, survey: Survey, campaign: Campaign, world: World
) -> None:
    campaign.opens_at = utcnow() - timedelta(days=8)
    campaign.closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "No pulse is open right now" in client.get(f"/p/{code}").get_data(as_text=True)

    new = make_campaign(survey, [world.team], utcnow() - timedelta(minutes=1))
    page = client.get(f"/p/{code}").get_data(as_text=True)
    assert OPEN_FORM in page
    assert client.post(f"/p/{code}", data=FULL).status_code == 302
    tally = db.session.scalars(select(ResponseTally)).one()
    assert (tally.campaign_id, tally.responses) == (new.id, 1)


def test_a_scheduled_campaign_opens_on_the_cached_link(
    client: FlaskClient, code: str, campaign: Campaign
) -> None:
    opens_at = utcnow() + timedelta(seconds=1)
    _elsewhere(
        update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(opens_at=opens_at, closes_at=opens_at + timedelta(days=7))
    )
    pulses.LINKS.changed()  # start from an empty cache
    assert "opens on" in client.get(f"/p/{code}").get_data(as_text=True)
    while utcnow() < opens_at:
        pass
    assert OPEN_FORM in client.get(f"/p/{code}").get_data(as_text=True)


def test_renaming_the_team_shows_the_new_name(
    client: FlaskClient, consultant: FlaskClient, code: str, world: World
) -> None:
    assert "Claims" in client.get(f"/p/{code}").get_data(as_text=True)
    renamed = consultant.post(
        f"/teams/{world.team.id}/edit",
        data={"name": "Claims Desk", "headcount": "12", "parent_id": 0},
    )
    assert renamed.status_code == 302
    assert "Claims Desk" in client.get(f"/p/{code}").get_data(as_text=True)


def test_tallies_stay_exact_after_many_posts(
    client: FlaskClient, code: str, campaign: Campaign, world: World
) -> None:
    sent: Counter[tuple[str, int]] = Counter()
    comments = 0
    for number in range(60):
        form = {
            "item-resistance_unknown_1": str(1 + number % 5),
            "item-resistance_unknown_2": str(1 + (number * 3) % 5),
            "item-recommend": str(number % 11),
        }
        if number % 7 == 0:
            form["comment"] = f"comment {number}"
            comments += 1
        assert client.post(f"/p/{code}", data=form).status_code == 302
        sent.update((key.removeprefix("item-"), int(value)) for key, value in form.items()
                    if key.startswith("item-"))  # fmt: skip

    tallies = {
        (row.item_key, row.value): row.n
        for row in db.session.scalars(
            select(AnswerTally).where(
                AnswerTally.campaign_id == campaign.id, AnswerTally.team_id == world.team.id
            )
        )
    }
    assert tallies == dict(sent)
    stored = Counter(
        (key, value) for key, value in db.session.execute(select(Answer.item_key, Answer.value))
    )
    assert stored == sent
    tally = db.session.scalars(select(ResponseTally)).one()
    assert (tally.responses, tally.comments) == (60, comments)
    assert _count(Response) == 60
