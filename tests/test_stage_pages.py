"""The step tracker pages: the eight steps, one step's status, evidence and actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.services import stages
from app.services.stages import RatingInput
from insights.kotter import STEPS, STEPS_BY_KEY
from insights.stages import StepState, skipped_step_warnings, warning_text
from models import (
    Action,
    EvidenceItem,
    Stage,
    StageStatusChange,
    User,
    db,
)
from tests import builders
from tests.builders import login
from tests.conftest import World
from tests.pagecheck import count, counting_queries, page_text


@pytest.fixture
def fresh(make_app: Callable[..., Flask]) -> tuple[Flask, FlaskClient]:
    """A second app on the test database, to count the queries of its requests."""
    other = make_app()
    return other, other.test_client()


def card(text: str, key: str) -> str:
    """The tracker's card of one step, as text."""
    step = STEPS_BY_KEY[key]
    start = text.index(f"Step {step.position} {step.name}")
    following = [f"Step {later.position} {later.name}" for later in STEPS[step.position :]]
    return text[start : text.index(following[0])] if following else text[start:]


def stage_of(world: World, key: str) -> Stage:
    return stages.stage_for(world.initiative, key)


def set_status(world: World, key: str, status: str) -> None:
    stages.update_stage(
        stage_of(world, key),
        status=status,
        owner=None,
        target_date=None,
        notes="",
        by=world.consultant,
    )


def rate(world: World, round_name: str, ratings: dict[str, list[int]]) -> None:
    assessment = stages.create_round(
        world.initiative, round_name, date(2026, 5, 4), world.consultant
    )
    raters = max(len(scores) for scores in ratings.values())
    for index in range(raters):
        stages.save_ratings(
            assessment,
            f"user:{1000 + index}",
            f"Leader {index + 1}",
            {
                key: RatingInput(scores[index])
                for key, scores in ratings.items()
                if index < len(scores)
            },
        )


# --- the tracker ------------------------------------------------------------------------


def test_tracker_shows_the_eight_steps_in_order_with_an_empty_state(
    client: FlaskClient, world: World
) -> None:
    login(client, world.executive)
    steps_before = count(Stage)
    response = client.get(f"/initiatives/{world.initiative.id}/steps")
    assert response.status_code == 200
    text = page_text(response)
    positions = [text.index(step.name) for step in STEPS]
    assert positions == sorted(positions)
    assert text.count("Not started") == 8
    assert "0 of 4 done" in text
    assert "Start an assessment round or a live workshop" in text
    assert "not rated yet" in text
    assert len(stages.stages_of(world.initiative)) == 8, "made with the initiative"
    assert count(Stage) == steps_before, "a page view creates nothing"


def test_tracker_shows_owner_evidence_rating_and_actions_of_a_step(
    client: FlaskClient, world: World
) -> None:
    vision = stage_of(world, "vision")
    stages.update_stage(
        vision,
        status="in_progress",
        owner=world.executive,
        target_date=date(2026, 9, 30),
        notes="",
        by=world.consultant,
    )
    stages.tick_evidence(vision.evidence[0], True, world.executive)
    stages.save_action(
        world.initiative, stage_key="vision", title="Draft the vision", owner=world.executive,
        due_date=date.today() - timedelta(days=2), status="open", by=world.consultant,
    )  # fmt: skip
    rate(world, "Kick-off", {"vision": [3, 4, 4]})
    db.session.commit()

    login(client, world.executive)
    text = page_text(client.get(f"/initiatives/{world.initiative.id}/steps"))
    vision_card = card(text, "vision")
    assert "In progress" in vision_card
    assert world.executive.name in vision_card
    assert "30 Sep 2026" in vision_card
    assert "1 of 4 done" in vision_card
    assert "3.7 of 5 (range 3–4, n = 3)" in vision_card
    assert "1 open, ! 1 overdue" in vision_card
    assert "Leaders disagree" not in vision_card
    assert "latest rated round, Kick-off , held 4 May 2026" in text


def test_tracker_flags_disagreement_and_warns_of_a_skipped_step(
    client: FlaskClient, world: World
) -> None:
    for key in ("urgency", "coalition"):
        set_status(world, key, "done")
    set_status(world, "vision", "in_progress")
    set_status(world, "communicate", "done")
    rate(world, "Quarterly review", {"urgency": [4, 4], "coalition": [4, 5], "vision": [1, 4]})
    db.session.commit()

    login(client, world.consultant)
    response = client.get(f"/initiatives/{world.initiative.id}/steps")
    text = page_text(response)
    vision = card(text, "vision")
    assert "2.5 of 5 (range 1–4, n = 2)" in vision
    assert "Leaders disagree — worth discussing" in vision
    assert text.count("Leaders disagree — worth discussing") == 1
    assert (
        "Step 4 'communicate' is done but step 3 'vision' is rated 2.5 by leaders: "
        "without a shared vision, effort scatters and early results rarely last." in text
    )
    assert 'class="st-warnings"' in response.get_data(as_text=True)
    assert text.count("Started early — see the warning above") == 1
    assert "Started early — see the warning above" in card(text, "communicate")


def _add_history(
    world: World, people: dict[str, list[User]], actions: int, round_name: str
) -> None:
    """Evidence ticked, the status changed, actions owned, ratings given: more rows, same pages.

    Tickers, changers, owners and the step's owner are different people, so each
    relationship has someone to load in every round of data.
    """
    vision = stage_of(world, "vision")
    for index, item in enumerate(vision.evidence):
        tickers = people["tickers"]
        stages.tick_evidence(item, True, tickers[index % len(tickers)])
    for index, person in enumerate(people["changers"]):
        stages.update_stage(
            vision, status=("in_progress", "done")[index % 2], owner=people["owner"][0],
            target_date=None, notes="", by=person,
        )  # fmt: skip
    for index in range(actions):
        owners = people["action_owners"]
        stages.save_action(
            world.initiative, stage_key=STEPS[index % 8].key, title=f"Action {index}",
            owner=owners[index % len(owners)], due_date=date(2026, 1, 1), status="open",
            by=world.consultant,
        )  # fmt: skip
    raters = len(people["tickers"]) + 1
    rate(world, round_name, {step.key: [1, 3, 5, 2, 4][:raters] for step in STEPS})
    db.session.commit()


def test_reading_the_tracker_writes_nothing(client: FlaskClient, world: World) -> None:
    """The steps exist from the initiative's creation: no page creates or changes a row."""
    assessment = stages.create_round(
        world.initiative, "Kick-off", date(2026, 5, 4), world.consultant
    )
    action = stages.save_action(
        world.initiative, stage_key="vision", title="Draft", owner=None, due_date=None,
        status="open", by=world.consultant,
    )  # fmt: skip
    item = stage_of(world, "vision").evidence[0]
    login(client, world.consultant)
    flushed: list[str] = []

    def record(session: Session, _context: object, _instances: object) -> None:
        flushed.append(repr([*session.new, *session.dirty, *session.deleted]))

    pages = [
        f"/initiatives/{world.initiative.id}/steps",
        step_url(world),
        f"/initiatives/{world.initiative.id}/actions?status=overdue",
        f"/actions/{action.id}/edit",
        f"/evidence/{item.id}/edit",
        f"/initiatives/{world.initiative.id}/rounds",
        f"/rounds/{assessment.id}",
        f"/rounds/{assessment.id}/rate",
    ]
    event.listen(Session, "before_flush", record)
    try:
        for url in pages:
            assert client.get(url).status_code == 200, url
    finally:
        event.remove(Session, "before_flush", record)
    assert flushed == []


def test_tracker_and_step_page_need_a_fixed_number_of_queries(
    world: World, fresh: tuple[Flask, FlaskClient]
) -> None:
    def people(*sizes: int) -> dict[str, list[User]]:
        roles = ("tickers", "changers", "owner", "action_owners")
        return {
            role: [builders.make_user(organization=world.organization) for _ in range(size)]
            for role, size in zip(roles, sizes, strict=True)
        }

    _add_history(world, people(1, 1, 1, 1), actions=3, round_name="First")
    other, client = fresh
    login(client, world.executive)
    url = f"/initiatives/{world.initiative.id}/steps"
    with counting_queries(other) as few:
        client.get(url)
        client.get(f"{url}/vision")
    _add_history(world, people(3, 4, 1, 4), actions=24, round_name="Second")
    with counting_queries(other) as many:
        assert client.get(url).status_code == 200
        assert client.get(f"{url}/vision").status_code == 200
    assert len(many) == len(few), "\n\n".join(sorted(set(many) - set(few)))


def test_step_pages_of_another_organisation_or_an_unknown_step_are_404(
    client: FlaskClient, world: World
) -> None:
    login(client, world.outsider)
    assert client.get(f"/initiatives/{world.initiative.id}/steps").status_code == 404
    assert client.get(f"/initiatives/{world.initiative.id}/steps/vision").status_code == 404
    login(client, world.executive)
    assert client.get(f"/initiatives/{world.initiative.id}/steps/nonsense").status_code == 404
    assert client.get(f"/initiatives/{world.initiative.id}/steps/Vision").status_code == 404


# --- one step: status, owner, notes -----------------------------------------------------


def step_url(world: World, key: str = "vision") -> str:
    return f"/initiatives/{world.initiative.id}/steps/{key}"


def test_step_page_says_what_done_looks_like(client: FlaskClient, world: World) -> None:
    login(client, world.executive)
    text = page_text(client.get(step_url(world)))
    assert "What “done” looks like" in text
    assert "A one-sentence customer-centric vision" in text
    assert "The status has not changed yet" in text


def _neighbour_links(body: str) -> list[tuple[str, str, str]]:
    """(rel, href, text) of the previous/next links of a step page."""
    nav = re.search(r'<nav class="st-neighbours".*?</nav>', body, re.S)
    assert nav is not None
    return [
        (rel, href, " ".join(re.sub(r"<[^>]+>", " ", label).split()))
        for rel, href, label in re.findall(
            r'<a rel="(prev|next)" href="([^"]+)">(.*?)</a>', nav.group(0), re.S
        )
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("urgency", [("next", "coalition", "Step 2: Create the guiding coalition →")]),
        ("communicate", [("prev", "vision", "← Step 3: Develop a vision and strategy"),
                         ("next", "empower", "Step 5: Empower broad-based action →")]),
        ("anchor", [("prev", "consolidate",
                     "← Step 7: Consolidate gains and produce more change")]),
    ],
)  # fmt: skip
def test_a_step_page_links_to_the_step_before_and_after(
    client: FlaskClient, world: World, key: str, expected: list[tuple[str, str, str]]
) -> None:
    login(client, world.executive)
    links = _neighbour_links(client.get(step_url(world, key)).get_data(as_text=True))
    assert links == [(rel, step_url(world, k), text) for rel, k, text in expected]
    for _, href, text in links:  # each link leads to the step it names
        assert f"{text.strip('←→ ')} · {world.initiative.name}" in page_text(client.get(href))


def test_the_step_and_the_new_action_each_name_their_own_status(
    client: FlaskClient, world: World
) -> None:
    login(client, world.executive)
    body = client.get(step_url(world)).get_data(as_text=True)
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", body)
    assert "Status" not in labels
    assert labels.count("Step status") == 1 and labels.count("Action status") == 1


def test_a_status_change_is_kept_in_the_history_with_who_made_it(
    client: FlaskClient, world: World
) -> None:
    login(client, world.executive)
    response = client.post(
        step_url(world),
        data={
            "stage-status": "in_progress",
            "stage-owner_id": world.consultant.id,
            "stage-target_date": "2026-07-31",
            "stage-notes": "  Workshop with the coalition on 12 June.  ",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == step_url(world)

    stage = stage_of(world, "vision")
    assert (stage.status, stage.owner_id, stage.target_date, stage.notes) == (
        "in_progress",
        world.consultant.id,
        date(2026, 7, 31),
        "Workshop with the coalition on 12 June.",
    )
    change = db.session.scalars(select(StageStatusChange)).one()
    assert (change.from_status, change.to_status, change.changed_by_id) == (
        "not_started",
        "in_progress",
        world.executive.id,
    )
    text = page_text(client.get(step_url(world)))
    assert f"{world.executive.name}: not started → in progress" in text
    assert "Step 3 saved." in text

    client.post(step_url(world), data={"stage-status": "done", "stage-owner_id": "0"})
    assert count(StageStatusChange) == 2
    assert stage_of(world, "vision").owner_id is None
    text = page_text(client.get(step_url(world)))
    assert text.index("in progress → done") < text.index("not started → in progress")


def test_saving_without_a_status_change_adds_no_history(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    client.post(step_url(world), data={"stage-status": "not_started", "stage-notes": "Later."})
    assert stage_of(world, "vision").notes == "Later."
    assert count(StageStatusChange) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param(
            "stage-owner_id", "outsider", "Choose an owner from the members of this organisation.",
            id="owner-from-another-organisation",
        ),
        pytest.param(
            "stage-owner_id", "admin", "Choose an owner from the members of this organisation.",
            id="owner-not-a-member",
        ),
        pytest.param(
            "stage-target_date", "2026-02-31", "2026-02-31 is not a date that exists.",
            id="impossible-date",
        ),
        pytest.param("stage-status", "finished", "Choose not started, in progress or done.",
                     id="unknown-status"),
    ],
)  # fmt: skip
def test_a_bad_step_form_keeps_the_input_and_changes_nothing(
    client: FlaskClient, world: World, field: str, value: str, message: str
) -> None:
    if value in ("outsider", "admin"):
        value = str(getattr(world, value).id)
    stage_of(world, "vision")
    db.session.commit()
    data = {
        "stage-status": "done",
        "stage-owner_id": str(world.executive.id),
        "stage-target_date": "2026-08-15",
        "stage-notes": "Typed with care",
    } | {field: value}
    login(client, world.executive)
    response = client.post(step_url(world), data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    text = page_text(response)
    assert message in text
    assert "Please correct 1 field" in text
    assert "Typed with care" in body
    if field != "stage-target_date":
        assert 'value="2026-08-15"' in body
    else:
        assert 'value="2026-02-31"' in body
    if field == "stage-owner_id":
        assert world.outsider.name not in text and world.admin.name not in text
    db.session.expire_all()
    stage = stage_of(world, "vision")
    assert (stage.status, stage.owner_id, stage.notes) == ("not_started", None, "")
    assert count(StageStatusChange) == 0


# --- evidence ---------------------------------------------------------------------------


def test_ticking_evidence_shows_who_and_when_and_unticking_clears_it(
    client: FlaskClient, world: World
) -> None:
    item = stage_of(world, "vision").evidence[1]
    db.session.commit()
    login(client, world.executive)
    response = client.post(f"/evidence/{item.id}/tick", data={"done": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{step_url(world)}#evidence-{item.id}"
    db.session.refresh(item)
    assert item.done_by_id == world.executive.id and item.done_at is not None

    text = page_text(client.get(step_url(world)))
    assert f"Ticked by {world.executive.name}, {item.done_at.day} " in text
    assert "(1 of 4 done)" in text

    client.post(f"/evidence/{item.id}/tick", data={"done": "0"})
    db.session.refresh(item)
    assert item.done_at is None and item.done_by_id is None
    assert "Ticked by" not in page_text(client.get(step_url(world)))


def test_a_tick_without_a_clear_value_is_refused(client: FlaskClient, world: World) -> None:
    item = stage_of(world, "vision").evidence[0]
    db.session.commit()
    login(client, world.executive)
    assert client.post(f"/evidence/{item.id}/tick", data={"done": "maybe"}).status_code == 400
    db.session.refresh(item)
    assert item.done_at is None


def test_consultants_add_edit_and_remove_evidence(client: FlaskClient, world: World) -> None:
    stage = stage_of(world, "vision")
    db.session.commit()
    login(client, world.consultant)
    response = client.post(
        f"{step_url(world)}/evidence", data={"evidence-text": " Vision printed on every desk "}
    )
    assert response.status_code == 302
    added = db.session.scalars(
        select(EvidenceItem).where(EvidenceItem.stage_id == stage.id).order_by(EvidenceItem.id)
    ).all()[-1]
    assert (added.text, added.position) == ("Vision printed on every desk", 4)

    edit = client.get(f"/evidence/{added.id}/edit")
    assert "Vision printed on every desk" in edit.get_data(as_text=True)
    client.post(f"/evidence/{added.id}/edit", data={"text": "Vision on every team board"})
    db.session.refresh(added)
    assert added.text == "Vision on every team board"

    before = count(EvidenceItem)
    response = client.post(f"/evidence/{added.id}/delete")
    assert response.status_code == 302
    assert count(EvidenceItem) == before - 1
    assert "removed from the checklist" in page_text(client.get(step_url(world)))


@pytest.mark.parametrize("text", ["", "   ", "x" * 301])
def test_bad_evidence_text_is_named_and_nothing_changes(
    client: FlaskClient, world: World, text: str
) -> None:
    item = stage_of(world, "vision").evidence[0]
    db.session.commit()
    before, original = count(EvidenceItem), item.text
    login(client, world.consultant)

    added = client.post(f"{step_url(world)}/evidence", data={"evidence-text": text})
    assert added.status_code == 422
    edited = client.post(f"/evidence/{item.id}/edit", data={"text": text})
    assert edited.status_code == 422
    for response in (added, edited):
        page = page_text(response)
        assert "Describe the evidence." in page or "Keep it under 300 characters." in page
    if text.strip():
        assert text in added.get_data(as_text=True)
        assert text in edited.get_data(as_text=True)
    assert count(EvidenceItem) == before
    db.session.refresh(item)
    assert item.text == original


def test_executives_tick_evidence_but_do_not_change_the_checklist(
    client: FlaskClient, world: World
) -> None:
    item = stage_of(world, "vision").evidence[0]
    db.session.commit()
    login(client, world.executive)
    page = client.get(step_url(world)).get_data(as_text=True)
    assert "Mark done" in page
    assert f"/evidence/{item.id}/edit" not in page
    assert "Add evidence" not in page
    before = count(EvidenceItem)
    assert (
        client.post(f"{step_url(world)}/evidence", data={"evidence-text": "X"}).status_code == 403
    )
    assert client.post(f"/evidence/{item.id}/edit", data={"text": "Y"}).status_code == 403
    assert client.post(f"/evidence/{item.id}/delete").status_code == 403
    assert count(EvidenceItem) == before


# --- actions ----------------------------------------------------------------------------


def action_data(world: World, **overrides: str) -> dict[str, str]:
    data = {
        "action-title": "Share churn figures at the sales kick-off",
        "action-stage_key": "urgency",
        "action-owner_id": str(world.executive.id),
        "action-due_date": "2026-06-30",
        "action-status": "open",
    }
    data.update({f"action-{key}": value for key, value in overrides.items()})
    return data


def test_an_action_added_on_a_step_page_belongs_to_that_step(
    client: FlaskClient, world: World
) -> None:
    login(client, world.executive)
    page = client.get(step_url(world)).get_data(as_text=True)
    assert '<option selected value="vision">' in page
    response = client.post(
        f"{step_url(world)}/actions", data=action_data(world, stage_key="vision")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{step_url(world)}#actions"
    action = db.session.scalars(select(Action)).one()
    assert (action.stage_key, action.owner_id, action.due_date, action.created_by_id) == (
        "vision",
        world.executive.id,
        date(2026, 6, 30),
        world.executive.id,
    )
    assert "Share churn figures at the sales kick-off" in page_text(client.get(step_url(world)))


def test_an_action_is_created_from_the_action_list(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    url = f"/initiatives/{world.initiative.id}/actions"
    response = client.post(url, data=action_data(world, owner_id="0", due_date=""))
    assert response.status_code == 302
    action = db.session.scalars(select(Action)).one()
    assert (action.owner_id, action.due_date, action.status) == (None, None, "open")
    text = page_text(client.get(url))
    assert "1 action" in text and "nobody yet" in text and "no date" in text


BAD_ACTIONS = [
    pytest.param({"title": ""}, "Give the action a title.", id="empty-title"),
    pytest.param({"title": "   "}, "Give the action a title.", id="blank-title"),
    pytest.param({"stage_key": "nonsense"}, "There is no step 'nonsense'", id="unknown-step"),
    pytest.param({"due_date": "2026-02-31"}, "2026-02-31 is not a date that exists.",
                 id="impossible-date"),
    pytest.param({"owner_id": "outsider"}, "Choose an owner from the members of this organisation.",
                 id="owner-from-another-organisation"),
    pytest.param({"owner_id": "many"}, "Owner", id="owner-not-a-number"),
    pytest.param({"status": "someday"}, "Choose open, in progress or done.", id="unknown-status"),
]  # fmt: skip


def _bad(world: World, overrides: dict[str, str]) -> dict[str, str]:
    if overrides.get("owner_id") == "outsider":
        overrides = overrides | {"owner_id": str(world.outsider.id)}
    return action_data(world, **({"title": "Typed title kept"} | overrides))


@pytest.mark.parametrize(("overrides", "message"), BAD_ACTIONS)
@pytest.mark.parametrize("where", ["list", "step"])
def test_a_bad_new_action_is_named_kept_and_not_saved(
    client: FlaskClient, world: World, overrides: dict[str, str], message: str, where: str
) -> None:
    login(client, world.executive)
    url = (
        f"/initiatives/{world.initiative.id}/actions"
        if where == "list"
        else f"{step_url(world)}/actions"
    )
    data = _bad(world, overrides)
    response = client.post(url, data=data)
    assert response.status_code == 422
    text = page_text(response)
    body = response.get_data(as_text=True)
    assert message in text
    assert "Please correct 1 field" in text
    for name, value in data.items():
        if name == "action-title" and not value.strip():
            continue
        if name in ("action-due_date", "action-title"):
            assert f'value="{value}"' in body
    if "title" not in overrides:
        assert 'value="Typed title kept"' in body
    if "owner_id" not in overrides:
        assert f'<option selected value="{world.executive.id}">' in body
    assert world.outsider.name not in text
    assert count(Action) == 0


def test_editing_an_action(client: FlaskClient, world: World) -> None:
    action = stages.save_action(
        world.initiative, stage_key="urgency", title="Old title", owner=None,
        due_date=None, status="open", by=world.consultant,
    )  # fmt: skip
    db.session.commit()
    login(client, world.executive)
    page = client.get(f"/actions/{action.id}/edit").get_data(as_text=True)
    assert 'value="Old title"' in page
    response = client.post(
        f"/actions/{action.id}/edit",
        data=action_data(world, title="New title", stage_key="wins", status="done"),
    )
    assert response.status_code == 302
    db.session.refresh(action)
    assert (action.title, action.stage_key, action.status, action.owner_id) == (
        "New title",
        "wins",
        "done",
        world.executive.id,
    )
    assert action.created_by_id == world.consultant.id


@pytest.mark.parametrize(("overrides", "message"), BAD_ACTIONS)
def test_a_bad_action_edit_is_named_kept_and_changes_nothing(
    client: FlaskClient, world: World, overrides: dict[str, str], message: str
) -> None:
    action = stages.save_action(
        world.initiative, stage_key="urgency", title="Old title", owner=world.consultant,
        due_date=date(2026, 5, 1), status="open", by=world.consultant,
    )  # fmt: skip
    db.session.commit()
    login(client, world.executive)
    response = client.post(f"/actions/{action.id}/edit", data=_bad(world, overrides))
    assert response.status_code == 422
    assert message in page_text(response)
    if "title" not in overrides:
        assert 'value="Typed title kept"' in response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Action, action.id)
    assert kept is not None
    assert (kept.title, kept.stage_key, kept.owner_id, kept.due_date, kept.status) == (
        "Old title",
        "urgency",
        world.consultant.id,
        date(2026, 5, 1),
        "open",
    )


def test_actions_of_another_organisation_are_404(client: FlaskClient, world: World) -> None:
    action = stages.save_action(
        world.initiative, stage_key="urgency", title="Ours", owner=None,
        due_date=None, status="open", by=world.consultant,
    )  # fmt: skip
    db.session.commit()
    login(client, world.outsider)
    assert client.get(f"/actions/{action.id}/edit").status_code == 404
    assert client.post(f"/actions/{action.id}/edit", data=action_data(world)).status_code == 404
    db.session.refresh(action)
    assert action.title == "Ours"


def _some_actions(world: World) -> dict[str, Action]:
    today = date.today()
    other = builders.make_user(name="Olivia Owner", organization=world.organization)
    made = {
        "late": ("Late one", world.executive, today - timedelta(days=3), "open"),
        "late_in_progress": ("Late in progress", other, today - timedelta(days=1), "in_progress"),
        "late_but_done": ("Done late", world.executive, today - timedelta(days=9), "done"),
        "future": ("Future one", world.executive, today + timedelta(days=5), "open"),
        "no_date": ("Whenever", other, None, "open"),
    }
    actions = {
        name: stages.save_action(
            world.initiative,
            stage_key="wins",
            title=title,
            owner=owner,
            due_date=due,
            status=status,
            by=world.consultant,
        )  # fmt: skip
        for name, (title, owner, due, status) in made.items()
    }
    db.session.commit()
    return actions


def listed(response: TestResponse) -> list[str]:
    body = response.get_data(as_text=True)
    return re.findall(r'<h3><a href="/actions/\d+/edit">([^<]+)</a></h3>', body)


def test_the_action_list_puts_overdue_first_and_says_so_in_words(
    client: FlaskClient, world: World
) -> None:
    _some_actions(world)
    login(client, world.executive)
    response = client.get(f"/initiatives/{world.initiative.id}/actions")
    assert listed(response) == [
        "Late one", "Late in progress", "Future one", "Whenever", "Done late"
    ]  # fmt: skip
    text = page_text(response)
    assert text.count("! Overdue") == 2
    assert "(3 days late)" in text and "(1 day late)" in text


def test_the_action_list_filters_by_owner_and_status(client: FlaskClient, world: World) -> None:
    _some_actions(world)
    other = db.session.scalar(select(User).where(User.name == "Olivia Owner"))
    assert other is not None
    login(client, world.executive)
    url = f"/initiatives/{world.initiative.id}/actions"

    overdue = client.get(url, query_string={"status": "overdue"})
    assert listed(overdue) == ["Late one", "Late in progress"]
    assert "2 actions overdue" in page_text(overdue)

    mine = client.get(url, query_string={"owner": world.executive.id})
    assert listed(mine) == ["Late one", "Future one", "Done late"]
    assert f"3 actions owned by {world.executive.name}" in page_text(mine)

    both = client.get(url, query_string={"owner": other.id, "status": "overdue"})
    assert listed(both) == ["Late in progress"]
    assert listed(client.get(url, query_string={"status": "done"})) == ["Done late"]
    assert listed(client.get(url, query_string={"status": "in_progress"})) == ["Late in progress"]

    outsider = client.get(url, query_string={"owner": world.outsider.id, "status": "nonsense"})
    assert len(listed(outsider)) == 5, "unknown filter values are ignored, not an error"
    assert listed(client.get(url, query_string={"owner": "abc"})) != []

    nothing = client.get(url, query_string={"owner": world.consultant.id})
    assert "No action matches these filters" in page_text(nothing)


def test_the_action_list_is_paginated_and_keeps_its_filters(
    app: Flask, client: FlaskClient, world: World, fresh: tuple[Flask, FlaskClient]
) -> None:
    for index in range(30):
        stages.save_action(
            world.initiative, stage_key="wins", title=f"Action {index:02}",
            owner=world.executive, due_date=date(2026, 1, 1) + timedelta(days=index),
            status="open", by=world.consultant,
        )  # fmt: skip
    db.session.commit()
    login(client, world.executive)
    url = f"/initiatives/{world.initiative.id}/actions"
    response = client.get(url, query_string={"owner": world.executive.id})
    assert len(listed(response)) == app.config["PAGE_SIZE"]
    next_link = re.search(r'href="([^"]*)" rel="next"', response.get_data(as_text=True))
    assert next_link is not None
    assert next_link[1] == f"{url}?page=2&amp;owner={world.executive.id}"
    second = client.get(url, query_string={"owner": world.executive.id, "page": 2})
    assert len(listed(second)) == 30 - app.config["PAGE_SIZE"]

    other, fresh_client = fresh
    login(fresh_client, world.executive)
    with counting_queries(other) as five:
        fresh_client.get(url, query_string={"page": 2})
    with counting_queries(other) as twenty_five:
        fresh_client.get(url)
    assert len(five) == len(twenty_five), "no query per listed action"


def test_a_finding_becomes_an_action_with_its_title_filled_in(
    client: FlaskClient, world: World
) -> None:
    login(client, world.executive)
    page = client.get(
        f"/initiatives/{world.initiative.id}/steps/empower",
        query_string={"action": "Publish the obstacle log"},
    ).get_data(as_text=True)
    assert re.search(
        r'name="action-title"[^>]*value="Publish the obstacle log"', page
    ) or re.search(r'value="Publish the obstacle log"[^>]*name="action-title"', page)


@pytest.mark.parametrize(
    "given",
    [
        [StepState("vision", "not_started"), StepState("wins", "in_progress")],
        [StepState("vision", "done", 2.4), StepState("wins", "done")],
        [StepState("vision", "done", 3.5, 2.2), StepState("communicate", "in_progress")],
        [StepState("vision", "in_progress", 1.5, 2.0), StepState("anchor", "done")],
    ],
    ids=["not started", "weak by leaders", "weak by staff", "weak by both"],
)
def test_the_tracker_says_a_skipped_step_warning_as_the_api_does(
    app: Flask, given: list[StepState]
) -> None:
    """The page builds its sentence from the warning's parts, to say it in the page's
    language; in English it is the API's message word for word."""
    (warning,) = skipped_step_warnings(given)
    assert warning_text(warning) == warning.message
