"""Assessment rounds: leaders rate the eight steps, the history shows spread and movement."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.services import stages
from app.services.stages import RatingInput
from insights.kotter import STEP_KEYS, STEPS
from models import AssessmentRating, AssessmentRound, db
from tests.builders import login, make_user
from tests.conftest import World
from tests.pagecheck import count, counting_queries, page_text


@pytest.fixture
def fresh(make_app: Callable[..., Flask]) -> tuple[Flask, FlaskClient]:
    """A second app on the test database, to count the queries of its requests."""
    other = make_app()
    return other, other.test_client()


def new_round(
    world: World, name: str = "June review", held_on: date = date(2026, 6, 1)
) -> AssessmentRound:
    assessment = stages.create_round(world.initiative, name, held_on, world.consultant)
    db.session.commit()
    return assessment


def give(assessment: AssessmentRound, who: str, scores: dict[str, int], **comments: str) -> None:
    stages.save_ratings(
        assessment,
        f"name:{who}",
        who,
        {key: RatingInput(score, comments.get(key, "")) for key, score in scores.items()},
    )


def all_steps(score: int = 3, **overrides: int) -> dict[str, int]:
    return {key: overrides.get(key, score) for key in STEP_KEYS}


def rating_form(scores: Mapping[str, int | str], **comments: str) -> dict[str, str]:
    data = {f"score_{key}": str(score) for key, score in scores.items()}
    data.update({f"comment_{key}": text for key, text in comments.items()})
    return data


def ratings_of(assessment: AssessmentRound) -> dict[tuple[str, str], tuple[int, str]]:
    rows = db.session.scalars(
        select(AssessmentRating).where(AssessmentRating.round_id == assessment.id)
    )
    return {(row.rater, row.stage_key): (row.score, row.comment) for row in rows}


# --- starting and closing a round --------------------------------------------------------


def test_a_consultant_starts_a_round(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    url = f"/initiatives/{world.initiative.id}/rounds"
    page = client.get(url).get_data(as_text=True)
    assert "Start a round" in page
    assert f'value="{date.today().isoformat()}"' in page, "today is suggested"

    response = client.post(url, data={"name": " Kick-off ", "held_on": "2026-05-04"})
    assert response.status_code == 302
    assessment = db.session.scalars(select(AssessmentRound)).one()
    assert (assessment.name, assessment.held_on, assessment.source) == (
        "Kick-off",
        date(2026, 5, 4),
        "form",
    )
    assert assessment.created_by_id == world.consultant.id
    assert response.headers["Location"] == f"/rounds/{assessment.id}"
    text = page_text(client.get(response.headers["Location"]))
    assert "Round “Kick-off” started" in text
    assert "Nobody has rated in this round yet" in text


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        pytest.param({"name": "", "held_on": "2026-05-04"}, "Name the round", id="no-name"),
        pytest.param({"name": "x" * 121, "held_on": "2026-05-04"}, "under 120", id="long-name"),
        pytest.param({"name": "Kept name", "held_on": "2026-02-31"},
                     "2026-02-31 is not a date that exists.", id="impossible-date"),
        pytest.param({"name": "Kept name", "held_on": ""}, "Enter the date of the round.",
                     id="no-date"),
    ],
)  # fmt: skip
def test_a_bad_round_is_named_kept_and_not_started(
    client: FlaskClient, world: World, data: dict[str, str], field_message: str
) -> None:
    login(client, world.consultant)
    response = client.post(f"/initiatives/{world.initiative.id}/rounds", data=data)
    assert response.status_code == 422
    assert field_message in page_text(response)
    assert "Please correct 1 field" in page_text(response)
    body = response.get_data(as_text=True)
    if data["held_on"]:
        assert f'value="{data["held_on"]}"' in body
    if data["name"] == "Kept name":
        assert 'value="Kept name"' in body
    assert count(AssessmentRound) == 0


def test_executives_rate_but_neither_start_nor_close_rounds(
    client: FlaskClient, world: World
) -> None:
    assessment = new_round(world)
    login(client, world.executive)
    url = f"/initiatives/{world.initiative.id}/rounds"
    assert "Start a round" not in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"name": "Mine", "held_on": "2026-05-04"}).status_code == 403
    assert count(AssessmentRound) == 1
    detail = client.get(f"/rounds/{assessment.id}").get_data(as_text=True)
    assert "Rate the eight steps" in detail and "Close the round" not in detail
    assert client.post(f"/rounds/{assessment.id}/close").status_code == 403
    db.session.refresh(assessment)
    assert assessment.closed_at is None


def test_closing_a_round_makes_it_refuse_ratings(client: FlaskClient, world: World) -> None:
    assessment = new_round(world)
    login(client, world.consultant)
    response = client.post(f"/rounds/{assessment.id}/close")
    assert response.status_code == 302
    db.session.refresh(assessment)
    assert assessment.closed_at is not None
    text = page_text(client.get(f"/rounds/{assessment.id}"))
    assert "Closed" in text and "its ratings are final" in text
    assert "Rate the eight steps" not in text

    login(client, world.executive)
    page = client.get(f"/rounds/{assessment.id}/rate")
    assert page.status_code == 200
    assert "This round is closed" in page_text(page)
    assert "<fieldset" not in page.get_data(as_text=True)

    response = client.post(f"/rounds/{assessment.id}/rate", data=rating_form(all_steps(4)))
    assert response.status_code == 409
    assert "This round is closed" in page_text(response)
    assert "nothing was saved" in page_text(response)
    assert count(AssessmentRating) == 0


# --- rating ------------------------------------------------------------------------------


def test_an_executive_rates_all_eight_steps_with_comments(
    client: FlaskClient, world: World
) -> None:
    assessment = new_round(world)
    login(client, world.executive)
    page = page_text(client.get(f"/rounds/{assessment.id}/rate"))
    assert "How solidly is this done in our rollout?" in page
    assert all(f"{step.position}. {step.name}" in page for step in STEPS)

    response = client.post(
        f"/rounds/{assessment.id}/rate",
        data=rating_form(all_steps(3, vision=2), vision="  Nobody could say it back to me. "),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/rounds/{assessment.id}"
    rater = f"user:{world.executive.id}"
    expected = {(rater, key): (3, "") for key in STEP_KEYS}
    expected[(rater, "vision")] = (2, "Nobody could say it back to me.")
    assert ratings_of(assessment) == expected
    names = db.session.scalars(select(AssessmentRating.rater_name).distinct()).all()
    assert names == [world.executive.name]
    text = page_text(client.get(response.headers["Location"]))
    assert "Your ratings for “June review” are saved" in text
    assert "Change my ratings" in text


def test_rating_again_replaces_the_earlier_ratings(client: FlaskClient, world: World) -> None:
    assessment = new_round(world)
    login(client, world.executive)
    url = f"/rounds/{assessment.id}/rate"
    client.post(url, data=rating_form(all_steps(2), urgency="First thought"))
    page = client.get(url).get_data(as_text=True)
    assert "saving replaces your earlier ratings" in page
    assert '<input checked id="score_urgency-1" name="score_urgency" required' in page
    assert "First thought" in page

    client.post(url, data=rating_form(all_steps(4, wins=5)))
    rater = f"user:{world.executive.id}"
    assert ratings_of(assessment) == {
        (rater, key): (5 if key == "wins" else 4, "") for key in STEP_KEYS
    }
    assert count(AssessmentRating) == 8


def test_two_leaders_rate_the_same_round_side_by_side(client: FlaskClient, world: World) -> None:
    assessment = new_round(world)
    for who in (world.executive, world.consultant):
        login(client, who)
        client.post(f"/rounds/{assessment.id}/rate", data=rating_form(all_steps(3)))
        client.post("/logout")
    assert count(AssessmentRating) == 16


NOT_POSSIBLE = "Ratings go from 1 to 5; {} is not possible."
MISSING = "Rate this step from 1 to 5."
BAD_RATINGS = [
    pytest.param(
        {"vision": 0},
        ["3. Develop a vision and strategy: " + NOT_POSSIBLE.format(0)],
        id="zero",
    ),
    pytest.param(
        {"wins": 6},
        ["6. Generate short-term wins: " + NOT_POSSIBLE.format(6)],
        id="six",
    ),
    pytest.param(
        {"urgency": "high"},
        ["1. Establish a sense of urgency: " + NOT_POSSIBLE.format("high")],
        id="word",
    ),
    pytest.param(
        {"anchor": None, "coalition": None},
        [
            "2. Create the guiding coalition: " + MISSING,
            "8. Anchor new approaches in the culture: " + MISSING,
        ],
        id="two-missing",
    ),
]


@pytest.mark.parametrize(("bad", "messages"), BAD_RATINGS)
def test_a_bad_rating_names_each_step_keeps_the_input_and_stores_nothing(
    client: FlaskClient, world: World, bad: dict[str, int | str | None], messages: list[str]
) -> None:
    assessment = new_round(world)
    login(client, world.executive)
    scores: dict[str, int | str] = {
        key: value for key, value in (all_steps(4) | bad).items() if value is not None
    }
    response = client.post(
        f"/rounds/{assessment.id}/rate",
        data=rating_form(scores, communicate="Managers repeat it, staff do not."),
    )
    assert response.status_code == 422
    text = page_text(response)
    for message in messages:
        assert message in text
    assert f"Please correct {len(messages)} field" in text
    body = response.get_data(as_text=True)
    assert "Managers repeat it, staff do not." in body
    kept = [key for key, value in scores.items() if value == 4]
    assert len(re.findall(r'<input checked id="score_\w+-3"', body)) == len(kept)
    assert count(AssessmentRating) == 0


def test_an_earlier_rating_survives_a_bad_re_rating(client: FlaskClient, world: World) -> None:
    assessment = new_round(world)
    login(client, world.executive)
    url = f"/rounds/{assessment.id}/rate"
    client.post(url, data=rating_form(all_steps(2)))
    response = client.post(url, data=rating_form(all_steps(5, empower=6)))
    assert response.status_code == 422
    assert {score for score, _ in ratings_of(assessment).values()} == {2}


def test_rounds_of_another_organisation_are_404(client: FlaskClient, world: World) -> None:
    assessment = new_round(world)
    login(client, world.outsider)
    for url in (f"/rounds/{assessment.id}", f"/rounds/{assessment.id}/rate"):
        assert client.get(url).status_code == 404
    response = client.post(f"/rounds/{assessment.id}/rate", data=rating_form(all_steps(3)))
    assert response.status_code == 404
    assert count(AssessmentRating) == 0


# --- results -----------------------------------------------------------------------------


def _two_rounds(world: World) -> tuple[AssessmentRound, AssessmentRound]:
    first = new_round(world, "Kick-off", date(2026, 3, 2))
    give(first, "Ann", all_steps(2))
    give(first, "Ben", all_steps(2, vision=3))
    stages.close_round(first)
    second = new_round(world, "June review", date(2026, 6, 1))
    give(second, "Ann", all_steps(3, vision=1), vision="We never wrote it down.")
    give(second, "Ben", all_steps(3, vision=4), vision="Everyone knows it.")
    give(second, "Cleo", all_steps(3, vision=5))
    db.session.commit()
    return first, second


def _between(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def _table_row(section: str, start: str, end: str) -> str:
    """One step's row of the first results table in ``section``, as text."""
    return _between(section[section.index("Range n Note") :], start, end)


def test_round_history_shows_spread_disagreement_and_movement(
    client: FlaskClient, world: World
) -> None:
    first, second = _two_rounds(world)
    login(client, world.executive)
    text = page_text(client.get(f"/initiatives/{world.initiative.id}/rounds"))
    assert text.index("June review") < text.index("Kick-off"), "newest first"

    june = _between(text, "June review", "Kick-off")
    assert "3 leaders rated" in june
    assert "Worth discussing: 3. Vision." in june
    vision = _table_row(june, "3. Vision", "4. Communicate")
    # mean 3.3, +0.8 against 2.5, SD 2.08, range 1-5, n 3, flagged
    assert vision.split()[2:9] == ["3.3", "+0.8", "(up)", "2.08", "1–5", "3", "⚑"]
    assert "Leaders disagree — worth discussing" in vision
    urgency = _table_row(june, "1. Urgency", "2. Coalition")
    assert urgency.split()[2:7] == ["3.0", "+1.0", "(up)", "0.00", "3–3"]
    assert "Leaders disagree" not in urgency

    kick_off = text[text.index("Kick-off") :]
    assert "2 leaders rated" in kick_off and "Closed" in kick_off
    first_vision = _table_row(kick_off, "3. Vision", "4. Communicate")
    assert first_vision.split()[2:6] == ["2.5", "—", "0.71", "2–3"]
    assert "Leaders disagree" not in kick_off


def test_a_round_shows_its_comments_by_name(client: FlaskClient, world: World) -> None:
    _, second = _two_rounds(world)
    login(client, world.executive)
    text = page_text(client.get(f"/rounds/{second.id}"))
    comments = text[text.index("Comments") :]
    assert "3. Develop a vision and strategy" in comments
    assert "We never wrote it down. — Ann, rated 1" in comments
    assert "Everyone knows it. — Ben, rated 4" in comments
    assert "Establish a sense of urgency" not in comments, "steps without comments are left out"
    assert "You have not rated in this round yet" in text


def test_the_tracker_shows_the_latest_round(client: FlaskClient, world: World) -> None:
    _two_rounds(world)
    login(client, world.executive)
    text = page_text(client.get(f"/initiatives/{world.initiative.id}/steps"))
    assert "latest rated round, June review , held 1 Jun 2026 (still open)" in text
    assert "3.3 of 5 (range 1–5, n = 3)" in text
    assert "Start an assessment round or a live workshop" not in text


def test_the_round_pages_need_a_fixed_number_of_queries(
    world: World, fresh: tuple[Flask, FlaskClient]
) -> None:
    other, client = fresh
    first, _ = _two_rounds(world)
    login(client, world.executive)
    url = f"/initiatives/{world.initiative.id}/rounds"
    with counting_queries(other) as two:
        client.get(url)
        client.get(f"/rounds/{first.id}")
    for index in range(6):
        more = new_round(world, f"Round {index}", date(2026, 7, 1 + index))
        for who in ("Ann", "Ben", "Cleo", "Dan"):
            give(more, who, all_steps(1 + index % 5), vision="Comment")
    db.session.commit()
    with counting_queries(other) as eight:
        assert client.get(url).status_code == 200
        assert client.get(f"/rounds/{first.id}").status_code == 200
    assert len(eight) == len(two)


def test_rater_names_follow_the_user(client: FlaskClient, world: World) -> None:
    assessment = new_round(world)
    leader = make_user(name="Dana Leader", organization=world.organization)
    db.session.commit()
    login(client, leader)
    client.post(f"/rounds/{assessment.id}/rate", data=rating_form(all_steps(3), wins="Early!"))
    text = page_text(client.get(f"/rounds/{assessment.id}"))
    assert "Early! — Dana Leader, rated 3" in text
    stored = db.session.scalars(select(AssessmentRating.rater)).all()
    assert set(stored) == {f"user:{leader.id}"}
