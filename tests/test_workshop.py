"""Live workshops: starting one, joining by code, voting, the live counts and saving a round."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.services import workshops
from app.services.accounts import hash_token
from app.services.errors import ServiceError
from app.services.workshops import CODE_ALPHABET, INVALID_CODE
from app.workshop.views import PARTICIPANT_COOKIE
from insights.kotter import STEP_KEYS
from models import (
    AssessmentRating,
    AssessmentRound,
    WorkshopParticipant,
    WorkshopSession,
    WorkshopVote,
    db,
)
from models.base import utcnow
from tests.builders import login
from tests.conftest import World

CODE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}")


def _start(world: World, title: str = "Kick-off") -> WorkshopSession:
    session = workshops.start_session(world.initiative, world.consultant, title)
    db.session.commit()
    return session


def _participant(app: Flask, session: WorkshopSession, name: str) -> FlaskClient:
    """A phone in the room: its own cookie jar, joined by code."""
    phone = app.test_client()
    response = phone.post("/join", data={"code": session.code, "display_name": name})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith("/join/vote")
    return phone


def _votes(session: WorkshopSession) -> dict[tuple[str, str], int]:
    rows = db.session.execute(
        select(WorkshopParticipant.display_name, WorkshopVote.stage_key, WorkshopVote.score)
        .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopVote.participant_id)
        .where(WorkshopVote.session_id == session.id)
    ).all()
    return {(name, key): score for name, key, score in rows}


def _expire(session: WorkshopSession) -> None:
    session.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


# --- codes ---------------------------------------------------------------


def test_the_code_alphabet_leaves_out_look_alikes() -> None:
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)


def test_a_started_session_has_a_short_code_that_expires_after_four_hours(world: World) -> None:
    before = utcnow()
    session = _start(world)
    assert CODE.fullmatch(session.code)
    assert before + timedelta(hours=4) <= session.expires_at <= utcnow() + timedelta(hours=4)
    assert session.closed_at is None and session.round_id is None
    assert session.facilitator_id == world.consultant.id


def test_codes_are_unique_among_open_sessions_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = iter(["AAAAAA", "AAAAAA", "BBBBBB", "BBBBBB", "AAAAAA"])
    monkeypatch.setattr(workshops, "new_code", lambda: next(drawn))
    first = _start(world)
    second = _start(world)
    assert (first.code, second.code) == ("AAAAAA", "BBBBBB")

    _expire(first)  # an expired session's code may be given out again
    third = _start(world)
    assert third.code == "AAAAAA"


@pytest.mark.parametrize(
    ("typed", "expected"), [("abc234", "ABC234"), (" ab c-234 ", "ABC234"), ("", "")]
)
def test_typed_codes_are_normalised(typed: str, expected: str) -> None:
    assert workshops.normalize_code(typed) == expected


# --- facilitator ---------------------------------------------------------


def test_a_consultant_starts_a_workshop_with_a_default_title(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    response = client.post(f"/initiatives/{world.initiative.id}/workshops", data={"title": ""})
    session = db.session.scalar(select(WorkshopSession))
    assert session is not None
    assert response.headers["Location"].endswith(f"/workshops/{session.id}")
    today = date.today()
    assert session.title == f"Workshop {today.day} {today:%b %Y}"

    page = client.get(f"/workshops/{session.id}").get_data(as_text=True)
    assert session.code in page
    assert "<svg" in page and "qrline" in page  # the QR code, rendered by the server
    assert f"http://localhost/join?code={session.code}" in page
    assert "js/workshop.js" in page and "<script>" not in page


def test_a_too_long_title_is_refused_and_kept(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    title = "x" * 121
    response = client.post(f"/initiatives/{world.initiative.id}/workshops", data={"title": title})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Title" in page and title in page
    assert db.session.scalar(select(func.count()).select_from(WorkshopSession)) == 0


def test_the_session_list_shows_open_and_saved_workshops(client: FlaskClient, world: World) -> None:
    open_one = _start(world, "Today")
    saved = _start(world, "Last month")
    workshops.close_session(saved, world.consultant)
    db.session.commit()
    login(client, world.consultant)
    page = client.get(f"/initiatives/{world.initiative.id}/workshops").get_data(as_text=True)
    assert "Start a live workshop" in page
    assert open_one.code in page and "Saved as assessment round" in page

    client.post("/logout")
    login(client, world.executive)
    page = client.get(f"/initiatives/{world.initiative.id}/workshops").get_data(as_text=True)
    assert "Today" in page and "Start a live workshop" not in page
    assert f"/workshops/{open_one.id}" not in page


WHO = ("anonymous", "executive", "consultant", "outsider", "admin")
ROUTES = [
    ("GET", "/initiatives/{initiative}/workshops", (302, 200, 200, 404, 200)),
    ("POST", "/initiatives/{initiative}/workshops", (302, 403, 302, 404, 302)),
    ("GET", "/workshops/{session}", (302, 403, 200, 404, 200)),
    ("GET", "/workshops/{session}/live.json", (302, 403, 200, 404, 200)),
    ("POST", "/workshops/{session}/close", (302, 403, 302, 404, 302)),
    ("GET", "/workshops/999999", (302, 404, 404, 404, 404)),
    ("GET", "/join", (200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(
    ("method", "path", "who", "expected"),
    [
        pytest.param(method, path, who, statuses[i], id=f"{who}-{method}-{path}")
        for method, path, statuses in ROUTES
        for i, who in enumerate(WHO)
    ],
)
def test_who_may_run_a_workshop(
    client: FlaskClient, world: World, method: str, path: str, who: str, expected: int
) -> None:
    session = _start(world)
    login(client, world.user(who))
    url = path.format(initiative=world.initiative.id, session=session.id)
    response = client.open(url, method=method)
    assert response.status_code == expected
    if expected == 302 and who == "anonymous":
        assert "/login" in response.headers["Location"]
    if expected in (403, 404):
        assert db.session.scalar(select(func.count()).select_from(AssessmentRound)) == 0
        assert db.session.scalar(select(func.count()).select_from(WorkshopSession)) == 1


# --- joining -------------------------------------------------------------


def test_the_qr_link_prefills_the_code(client: FlaskClient, world: World) -> None:
    page = client.get("/join?code=abc234").get_data(as_text=True)
    assert 'value="ABC234"' in page


def test_joining_stores_only_a_hash_of_the_token_in_a_join_only_cookie(
    app: Flask, world: World
) -> None:
    session = _start(world)
    phone = app.test_client()
    response = phone.post(
        "/join", data={"code": session.code.lower(), "display_name": "  Tom   (Sales) "}
    )
    assert response.status_code == 302
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/join" in header
    cookie = phone.get_cookie(PARTICIPANT_COOKIE, path="/join")
    assert cookie is not None
    participant = db.session.scalar(select(WorkshopParticipant))
    assert participant is not None
    assert participant.display_name == "Tom (Sales)"
    assert participant.token_hash == hash_token(cookie.value)
    assert cookie.value not in participant.token_hash

    # The QR code scanned again, or the form sent twice: still one participant.
    assert phone.get(f"/join?code={session.code}").headers["Location"].endswith("/join/vote")
    phone.post("/join", data={"code": session.code, "display_name": "Tom"})
    assert db.session.scalar(select(func.count()).select_from(WorkshopParticipant)) == 1


@pytest.mark.parametrize("state", ["unknown", "expired", "closed"])
def test_joining_with_a_bad_code_says_so_and_keeps_the_input(
    client: FlaskClient, world: World, state: str
) -> None:
    session = _start(world)
    code = session.code
    if state == "unknown":
        code = "ZZZZZ2" if session.code != "ZZZZZ2" else "ZZZZZ3"
    elif state == "expired":
        _expire(session)
    else:
        workshops.close_session(session, world.consultant)
        db.session.commit()
    response = client.post("/join", data={"code": code, "display_name": "Priya"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert INVALID_CODE.replace("—", "&mdash;") in page or INVALID_CODE in page
    assert f'value="{code}"' in page and 'value="Priya"' in page
    assert db.session.scalar(select(func.count()).select_from(WorkshopParticipant)) == 0


@pytest.mark.parametrize("name", ["", "   "])
def test_joining_without_a_name_asks_for_one(client: FlaskClient, world: World, name: str) -> None:
    session = _start(world)
    response = client.post("/join", data={"code": session.code, "display_name": name})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter your name" in page and f'value="{session.code}"' in page
    assert db.session.scalar(select(func.count()).select_from(WorkshopParticipant)) == 0


def test_the_vote_page_needs_a_joined_phone(client: FlaskClient, world: World) -> None:
    response = client.get("/join/vote")
    assert response.headers["Location"].endswith("/join")
    client.set_cookie(PARTICIPANT_COOKIE, "made-up", path="/join")
    assert client.get("/join/vote").status_code == 302


# --- voting --------------------------------------------------------------


def test_a_vote_replaces_the_earlier_one_and_is_shown_back(app: Flask, world: World) -> None:
    session = _start(world)
    phone = _participant(app, session, "Tom")
    page = phone.get("/join/vote").get_data(as_text=True)
    assert "How solidly is this done in our rollout?" in page
    assert page.count('type="radio"') == 8 * 5 and "checked" not in page

    response = phone.post("/join/vote", data={"rating-urgency": "2", "rating-vision": "4"})
    assert response.status_code == 302
    assert _votes(session) == {("Tom", "urgency"): 2, ("Tom", "vision"): 4}

    phone.post("/join/vote", data={"rating-urgency": "5"})
    assert _votes(session) == {("Tom", "urgency"): 5, ("Tom", "vision"): 4}
    assert db.session.scalar(select(func.count()).select_from(WorkshopVote)) == 2

    page = phone.get("/join/vote").get_data(as_text=True)
    assert re.search(r'id="rating-urgency-4"[^>]*checked|checked[^>]*id="rating-urgency-4"', page)
    assert re.search(r'id="rating-vision-3"[^>]*checked|checked[^>]*id="rating-vision-3"', page)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating-urgency": "7", "rating-vision": "4"}, "Choose from 1 to 5"),
        ({"rating-urgency": "0", "rating-vision": "4"}, "Choose from 1 to 5"),
        ({"rating-urgency": "three", "rating-vision": "4"}, "Choose from 1 to 5"),
        ({"rating-bogus": "3", "rating-vision": "4"}, "There is no step bogus"),
    ],
)
def test_impossible_votes_are_refused_and_nothing_is_stored(
    app: Flask, world: World, data: dict[str, str], message: str
) -> None:
    session = _start(world)
    phone = _participant(app, session, "Tom")
    response = phone.post("/join/vote", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Nothing was saved" in page
    assert re.search(r'<input checked [^>]*name="rating-vision"[^>]*value="4"', page), "kept"
    assert _votes(session) == {}


@pytest.mark.parametrize(
    "votes", [{"urgency": 6}, {"urgency": 0}, {"bogus": 3}, {"vision": 4, "nope": 2}]
)
def test_the_service_refuses_impossible_votes_whole(world: World, votes: dict[str, int]) -> None:
    session = _start(world)
    participant, _ = workshops.join(session, "Tom")
    with pytest.raises(ServiceError):
        workshops.save_votes(participant, session, votes)
    assert _votes(session) == {}


def test_a_participant_never_sees_the_others_votes(app: Flask, world: World) -> None:
    session = _start(world)
    tom = _participant(app, session, "Tom")
    aisha = _participant(app, session, "Aisha")
    tom.post("/join/vote", data={key: "5" for key in (f"rating-{k}" for k in STEP_KEYS)})
    page = aisha.get("/join/vote").get_data(as_text=True)
    assert "checked" not in page and "Tom" not in page


@pytest.mark.parametrize("ending", ["closed", "expired"])
def test_an_ended_workshop_thanks_and_takes_no_votes(app: Flask, world: World, ending: str) -> None:
    session = _start(world)
    phone = _participant(app, session, "Tom")
    if ending == "closed":
        workshops.close_session(session, world.consultant)
        db.session.commit()
    else:
        _expire(session)
    page = phone.get("/join/vote")
    assert page.status_code == 410
    assert "This workshop has ended. Thank you!" in page.get_data(as_text=True)
    assert phone.post("/join/vote", data={"rating-urgency": "3"}).status_code == 410
    assert _votes(session) == {}
    participant = db.session.scalar(select(WorkshopParticipant))
    assert participant is not None
    with pytest.raises(ServiceError):
        workshops.save_votes(participant, session, {"urgency": 3})


# --- the live screen -----------------------------------------------------


def _vote_as(session: WorkshopSession, name: str, votes: dict[str, int]) -> None:
    participant, _ = workshops.join(session, name)
    workshops.save_votes(participant, session, votes)


def test_live_counts_are_aggregated_and_name_nobody(client: FlaskClient, world: World) -> None:
    session = _start(world)
    _vote_as(session, "Tom Sales", {"urgency": 5, "vision": 2, "wins": 3})
    _vote_as(session, "Aisha Marketing", {"urgency": 4, "vision": 4})
    _vote_as(session, "Ravi IT", {"urgency": 4, "vision": 5})
    workshops.join(session, "Late Larry")
    db.session.commit()

    login(client, world.consultant)
    response = client.get(f"/workshops/{session.id}/live.json")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["participants"] == 4 and data["open"] is True
    steps = {step["key"]: step for step in data["steps"]}
    assert list(steps) == list(STEP_KEYS)
    assert steps["urgency"] == {
        "key": "urgency",
        "counts": [0, 0, 0, 2, 1],
        "n": 3,
        "mean": 4.33,
        "spread": 1,
        "disagreement": False,
    }
    assert steps["vision"]["counts"] == [0, 1, 0, 1, 1]
    assert steps["vision"]["spread"] == 3 and steps["vision"]["disagreement"] is True
    assert steps["wins"] == {
        "key": "wins",
        "counts": [0, 0, 1, 0, 0],
        "n": 1,
        "mean": 3.0,
        "spread": 0,
        "disagreement": False,
    }
    assert steps["anchor"]["n"] == 0 and steps["anchor"]["mean"] is None
    text = response.get_data(as_text=True)
    for name in ("Tom", "Aisha", "Ravi", "Larry", "participant:", "token"):
        assert name not in text

    page = client.get(f"/workshops/{session.id}").get_data(as_text=True)
    assert "Leaders disagree" in page and "Tom" not in page


# --- closing -------------------------------------------------------------


def test_closing_saves_one_round_with_each_participants_ratings(
    client: FlaskClient, world: World
) -> None:
    session = _start(world, "Kick-off with the board")
    _vote_as(session, "Tom", {"urgency": 5, "vision": 2})
    _vote_as(session, "Aisha", {"urgency": 3})
    workshops.join(session, "Silent Sam")
    db.session.commit()
    tom, aisha = db.session.scalars(
        select(WorkshopParticipant.id).order_by(WorkshopParticipant.id).limit(2)
    ).all()

    login(client, world.consultant)
    response = client.post(f"/workshops/{session.id}/close")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/initiatives/{world.initiative.id}/steps")

    assessment = db.session.scalar(select(AssessmentRound))
    assert assessment is not None
    assert assessment.name == "Kick-off with the board"
    assert assessment.source == "workshop" and assessment.held_on == date.today()
    assert assessment.initiative_id == world.initiative.id
    assert assessment.closed_at is not None
    ratings = {
        (rating.rater, rating.rater_name, rating.stage_key): rating.score
        for rating in db.session.scalars(select(AssessmentRating))
    }
    assert ratings == {
        (f"participant:{tom}", "Tom", "urgency"): 5,
        (f"participant:{tom}", "Tom", "vision"): 2,
        (f"participant:{aisha}", "Aisha", "urgency"): 3,
    }
    db.session.refresh(session)
    assert session.round_id == assessment.id and session.closed_at is not None
    with client.session_transaction() as flask_session:
        flashes = [message for _, message in flask_session["_flashes"]]
    assert any(m.startswith("Saved as assessment round “Kick-off with the board”") for m in flashes)

    screen = client.get(f"/workshops/{session.id}").get_data(as_text=True)
    assert "Closed and saved as an assessment round" in screen
    assert "data-live-url" not in screen and session.code not in screen  # no more polling

    again = client.post(f"/workshops/{session.id}/close")
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AssessmentRound)) == 1
    assert db.session.scalar(select(func.count()).select_from(AssessmentRating)) == 3


def test_an_expired_workshop_can_still_be_saved(world: World) -> None:
    session = _start(world)
    _vote_as(session, "Tom", {"anchor": 1})
    db.session.commit()
    _expire(session)
    assessment = workshops.close_session(session, world.consultant)
    db.session.commit()
    assert [rating.score for rating in assessment.ratings] == [1]
    assert workshops.close_session(session, world.consultant).id == assessment.id
