"""Did the action work? Marking actions done, and their effect on the pages, over real HTTP.

Each rollout here is built with a known shape: every team's adoption moves with a shared
shock after the action, and the teams it touched move further (or not). The pages must say
so in words, with the interval and n, and never show a small team's own figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from flask.testing import FlaskClient
from sqlalchemy import event, select

from app.services import stages
from app.services.effect_readings import ActionEffect
from app.services.effects import effects_for_initiative
from insights.effects import week_monday
from models import Action, ActionTeam, Metric, Observation, Survey, SurveyAction, Team, db
from tests import builders
from tests.builders import login
from tests.builders.pulse import answer, make_campaign, make_survey, publish
from tests.conftest import World
from tests.pagecheck import page_text

TODAY = date.today()


def _section(response_text: str, heading_id: str) -> str:
    """The text of the section headed ``heading_id`` (up to the section's end)."""
    found = re.search(rf'aria-labelledby="{heading_id}".*?</section>', response_text, re.S)
    assert found is not None, f"no section {heading_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group()).split()).replace("&#39;", "'")


def _teams(world: World, sizes: Mapping[str, int], parent: Team | None = None) -> list[Team]:
    made = [
        builders.make_team(
            world.organization, name, headcount=size, parent_id=parent.id if parent else None
        )
        for name, size in sizes.items()
    ]
    db.session.commit()
    return made


def _adoption(world: World) -> Metric:
    return db.session.scalars(
        select(Metric).where(
            Metric.initiative_id == world.initiative.id, Metric.key == "adoption_rate"
        )
    ).one()


def _rollout(
    world: World,
    teams: Sequence[Team],
    done_on: date,
    lift: Mapping[Team, float],
    *,
    weeks_before: int = 8,
    special: Mapping[Team, float] | None = None,
) -> None:
    """Weekly adoption for every team from ``weeks_before`` weeks before ``done_on`` to today.

    Each team has its own level and a small wobble; after the action every team gains a
    shared 2 points plus a little of its own, and the teams in ``lift`` that much more.
    ``special`` gives a team one distinctive value every week (to prove it is never shown).
    """
    metric = _adoption(world)
    start = week_monday(done_on) - timedelta(weeks=weeks_before)
    weeks = (TODAY - start).days // 7 + 1
    for index, team in enumerate(teams):
        for week in range(weeks):
            monday = start + timedelta(weeks=week)
            after = monday > week_monday(done_on)
            value = 30.0 + 3 * index + (0.4 if week % 2 else -0.4)
            if after:
                value += 2.0 + 0.3 * index + lift.get(team, 0.0)
            if special and team in special:
                value = special[team]
            db.session.add(
                Observation(metric_id=metric.id, team_id=team.id, period=monday, value=value)
            )
    db.session.commit()


def _action(
    world: World, title: str = "Floor-walkers in every team", key: str = "empower"
) -> Action:
    action = stages.save_action(
        world.initiative, stage_key=key, title=title, owner=None, due_date=None,
        status="open", by=world.consultant,
    )  # fmt: skip
    db.session.commit()
    return action


def _mark_done(
    client: FlaskClient,
    action: Action,
    teams: Iterable[Team] = (),
    done_on: date | None = None,
    status: str = "done",
) -> str:
    data: dict[str, object] = {
        "action-title": action.title,
        "action-stage_key": action.stage_key,
        "action-owner_id": "0",
        "action-due_date": "",
        "action-status": status,
        "action-done_on": done_on.isoformat() if done_on else "",
        "action-teams": [str(team.id) for team in teams],
    }
    response = client.post(f"/actions/{action.id}/edit", data=data)
    assert response.status_code == 302, page_text(response)[:800]
    return client.get(f"/actions/{action.id}/edit").get_data(as_text=True)


def test_marking_done_records_the_day_and_teams_and_reopening_forgets_them(
    client: FlaskClient, world: World
) -> None:
    claims, sales, _ = _teams(world, {"Claims North": 12, "Sales": 12, "Service": 12})
    action = _action(world)
    login(client, world.executive)

    page = _mark_done(client, action, [claims, sales])
    db.session.expire_all()
    done = db.session.get_one(Action, action.id)
    assert done.done_at is not None and done.done_at.date() == TODAY
    chosen = db.session.scalars(select(ActionTeam.team_id).where(ActionTeam.action_id == action.id))
    assert set(chosen) == {claims.id, sales.id}
    assert "Teams it touched: Claims North, Sales" in page_text_of(page)
    first_done_at = done.done_at

    # Saving again keeps the day it was first done; a corrected day replaces it.
    _mark_done(client, action, [claims, sales], done_on=TODAY)
    db.session.expire_all()
    assert db.session.get_one(Action, action.id).done_at == first_done_at
    earlier = TODAY - timedelta(days=10)
    page = _mark_done(client, action, [sales], done_on=earlier)
    db.session.expire_all()
    corrected = db.session.get_one(Action, action.id)
    assert corrected.done_at is not None and corrected.done_at.date() == earlier
    assert [row.team_id for row in corrected.teams] == [sales.id]
    assert f'value="{earlier.isoformat()}"' in page

    _mark_done(client, action, [sales], status="open")
    db.session.expire_all()
    reopened = db.session.get_one(Action, action.id)
    assert reopened.done_at is None and reopened.status == "open"
    page = client.get(f"/actions/{action.id}/edit").get_data(as_text=True)
    assert "Once it is marked done, this shows whether adoption" in page_text_of(page)


def test_a_done_day_in_the_future_or_before_the_start_is_named_and_changes_nothing(
    client: FlaskClient, world: World
) -> None:
    action = _action(world)
    login(client, world.executive)
    for day, message in (
        (TODAY + timedelta(days=1), "“Done on” cannot be in the future."),
        (world.initiative.start_date - timedelta(days=1), "cannot be before the initiative"),
    ):
        response = client.post(
            f"/actions/{action.id}/edit",
            data={
                "action-title": "Typed and kept", "action-stage_key": "empower",
                "action-owner_id": "0", "action-status": "done",
                "action-done_on": day.isoformat(),
            },
        )  # fmt: skip
        assert response.status_code == 422
        assert message in page_text(response)
        assert 'value="Typed and kept"' in response.get_data(as_text=True)
        db.session.expire_all()
        kept = db.session.get_one(Action, action.id)
        assert (kept.status, kept.done_at, kept.title) == ("open", None, action.title)


def page_text_of(body: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", body).split()).replace("&#39;", "'")


def test_touched_teams_that_rose_more_show_it_on_the_action_page_and_the_dashboard(
    client: FlaskClient, world: World
) -> None:
    teams = _teams(world, {f"Team {name}": 12 for name in "ABCDE"})
    done_on = TODAY - timedelta(weeks=7)
    _rollout(world, teams, done_on, {teams[0]: 10.0})
    action = _action(world)
    login(client, world.executive)

    page = _mark_done(client, action, [teams[0]], done_on=done_on)
    effect = _section(page, "effect-heading")
    assert "for Team A" in effect
    found = re.search(
        r"Adoption rate rose (\d+\.\d+) points more in the team it touched than in the 4 others "
        r"\(95% interval (-?\d+\.\d+) to (-?\d+\.\d+); 1 team against 4, 6 weeks before, 6 after\)",
        effect,
    )
    assert found is not None, effect
    estimate, low, high = (float(x) for x in found.groups())
    assert low < 10.0 < high and abs(estimate - 10.0) < 1.5
    assert "Better" in effect  # said in words, not only by colour

    for dashboard in ("dashboard", "dashboard/consultant"):
        if dashboard.endswith("consultant"):
            client = client.application.test_client()
            login(client, world.consultant)
        response = client.get(f"/initiatives/{world.initiative.id}/{dashboard}")
        assert response.status_code == 200
        panel = _section(response.get_data(as_text=True), "effects-heading")
        assert "Floor-walkers in every team" in panel
        assert "for Team A" in panel
        assert (
            "Adoption rate rose" in panel
            and "more in the team it touched than in the 4 others" in panel
        )
        assert f'href="/actions/{action.id}/edit"' in response.get_data(as_text=True)


def test_an_action_for_every_team_has_no_comparison(client: FlaskClient, world: World) -> None:
    teams = _teams(world, {f"Team {name}": 12 for name in "ABC"})
    done_on = TODAY - timedelta(weeks=7)
    _rollout(world, teams, done_on, {})
    action = _action(world)
    login(client, world.executive)
    effect = _section(_mark_done(client, action, [], done_on=done_on), "effect-heading")
    assert "for every team" in effect
    assert "No comparison teams: it touched every team." in effect
    # The touched teams' own change is still given: the shared 2 points and a little.
    assert re.search(r"Adoption rate rose 2\.\d points in the teams it touched", effect), effect


def test_an_action_done_last_week_is_too_early_to_tell(client: FlaskClient, world: World) -> None:
    teams = _teams(world, {f"Team {name}": 12 for name in "ABCD"})
    done_on = TODAY - timedelta(days=7)
    _rollout(world, teams, done_on, {teams[0]: 10.0})
    action = _action(world)
    login(client, world.executive)
    effect = _section(_mark_done(client, action, [teams[0]], done_on=done_on), "effect-heading")
    # The week it was done counts on neither side, and the week after it is not over yet:
    # none of the four weeks after it needed are over.
    assert "Too early to tell: 4 more weeks needed." in effect
    assert "Too early" in effect and "rose" not in effect


def test_a_small_team_touched_never_gets_its_own_figure(client: FlaskClient, world: World) -> None:
    (sales,) = _teams(world, {"Sales": 12})
    (tiny,) = _teams(world, {"Tiny Desk": 3}, parent=sales)  # below the group size of 5
    # Top level: counted in the whole only (together five people, so no other team need hide).
    lone, _ = _teams(world, {"Lone Desk": 2, "Solo Desk": 3})
    others = _teams(world, {f"Team {name}": 12 for name in "BCDE"})
    done_on = TODAY - timedelta(weeks=7)
    _rollout(
        world, [sales, tiny, lone, _, *others], done_on, {tiny: 30.0, sales: 0.0},
        special={lone: 77.7},
    )  # fmt: skip
    action = _action(world)
    login(client, world.executive)

    # Tiny Desk counts in Sales (other): the group is touched, and its figure is the group's.
    effect = _section(_mark_done(client, action, [tiny], done_on=done_on), "effect-heading")
    assert "in the team it touched than in the 4 others" in effect
    assert "1 team against 4" in effect
    assert "Tiny Desk (other)" not in effect and "Sales (other)" not in effect
    # Its own rise of 32.3 points is diluted into the group of 15 people: the group rose
    # (12 x 2 + 3 x 32.3) / 15 = 8.06, the four others 3.65 on average (3.2 to 4.1).
    found = re.search(r"rose (\d+\.\d+) points more", effect)
    assert found is not None and found.group(1) == "4.4", effect

    # Lone Desk is counted in the whole initiative only: it is not in the estimate at all.
    second = _action(world, "Coffee with the lone desk")
    effect = _section(_mark_done(client, second, [lone], done_on=done_on), "effect-heading")
    assert "77.7" not in effect
    assert "No figures before the action" in effect
    assert re.search(r"\d+ teams? against", effect) is None


def _pulse_rollout(world: World, teams: Sequence[Team], done_on: date, touched: Team) -> None:
    """Four published campaigns, two before the action and two after; the touched team's
    "Obstacles removed" rises from 2 to about 4, the others stay near 3."""
    survey = make_survey(world.initiative, ["kotter_empower"], title="Empower pulse")
    closes = [done_on - timedelta(days=20), done_on - timedelta(days=6)]
    closes += [done_on + timedelta(days=10), done_on + timedelta(days=24)]
    for number, close in enumerate(closes):
        opens = datetime.combine(close - timedelta(days=5), time(0), tzinfo=UTC)
        campaign = make_campaign(survey, teams, opens_at=opens, closes_at=opens + timedelta(days=5))
        after = number >= 2
        for index, team in enumerate(teams):
            if team is touched:
                values = [4, 4, 4, 4, 5, 4] if after else [2, 2, 2, 2, 2, 3]
            else:
                values = [3, 3, 3, 3, 3, 3 + (index + number) % 2]
            answer(campaign, team, [{"kotter_empower_1": v} for v in values], day=close)
        publish(campaign)


def test_a_you_said_we_did_entry_shows_its_dimensions_effect(
    client: FlaskClient, world: World
) -> None:
    teams = _teams(world, {f"Team {name}": 12 for name in "ABCD"})
    done_on = TODAY - timedelta(days=40)
    _pulse_rollout(world, teams, done_on, teams[0])
    survey = db.session.scalars(select(Survey).where(Survey.title == "Empower pulse")).one()
    login(client, world.executive)
    response = client.post(
        f"/surveys/{survey.id}/actions",
        data={
            "you_said": "Team A: obstacles were not dealt with.",
            "we_did": "A fortnightly obstacle clinic with IT.",
            "team_id": str(teams[0].id),
            "dimension_key": "kotter_empower",
            "done_on": done_on.isoformat(),
        },
    )
    assert response.status_code == 302, page_text(response)[:600]
    entry = db.session.scalars(select(SurveyAction)).one()
    assert entry.done_on == done_on

    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    block = re.search(rf'id="you-said-{entry.id}".*?</li>\s*</ul>', page, re.S)
    assert block is not None
    text = page_text_of(block.group())
    assert "Did it work?" in text
    assert re.search(
        r"Obstacles removed rose \d\.\d+ more in the team it touched than in the 3 others "
        r"\(95% interval \d\.\d+ to \d\.\d+; 1 team against 3, 2 campaigns before, 2 after\)",
        text,
    ), text

    # A step action of the same step reads the same dimension, beside adoption.
    action = _action(world, "Obstacle clinic", key="empower")
    effect = _section(_mark_done(client, action, [teams[0]], done_on=done_on), "effect-heading")
    assert "Obstacles removed rose" in effect and "pulse, by campaign" in effect

    # And a day in the future is refused, with what was typed kept.
    refused = client.post(
        f"/surveys/{survey.id}/actions",
        data={"you_said": "Kept", "we_did": "Later", "team_id": "",
              "done_on": (TODAY + timedelta(days=3)).isoformat()},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "“Done on” cannot be in the future." in page_text(refused)
    assert db.session.scalars(select(SurveyAction)).one().id == entry.id


def test_more_actions_and_teams_cost_no_more_queries(client: FlaskClient, world: World) -> None:
    teams = _teams(world, {f"Team {name}": 12 for name in "ABCD"})
    done_on = TODAY - timedelta(weeks=7)
    _rollout(world, teams, done_on, {teams[0]: 10.0})
    login(client, world.executive)
    _mark_done(client, _action(world), [teams[0]], done_on=done_on)

    def queries() -> tuple[int, list[ActionEffect]]:
        db.session.expire_all()
        statements: list[str] = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        found = effects_for_initiative(world.initiative, TODAY)
        event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements), found

    few, found = queries()
    more = _teams(world, {f"Team {name}": 12 for name in "EFG"})
    _rollout(world, more, done_on, {})
    for number, team in enumerate(more):
        _mark_done(client, _action(world, f"Action {number}"), [team, teams[1]], done_on=done_on)
    many, found_more = queries()
    assert len(found) == 1 and len(found_more) == 4
    assert all(effect.lines for effect in found_more)
    assert many == few <= 12
