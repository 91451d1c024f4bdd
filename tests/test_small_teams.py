"""One rule for small teams: per-team adoption is folded, never shown, on every output.

A team of fewer than N people has no adoption figure of its own anywhere (metric
page, metrics API, dashboard, consultant view, summary, findings CSV/XLSX,
diagnosis API), for executives and consultants alike; nor can its figure be
worked out by subtracting shown figures from the whole or from a parent. The
pure rule (``survey.anonymity.fold_teams``) is checked on random trees.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.services import metrics
from app.services.metrics.readings import metric_lines
from models import Action, ActionTeam, Observation, Team, db
from survey.anonymity import fold_teams
from tests import builders
from tests.conftest import World
from tests.results_checks import atoms_are_safe

MIN_SIZE = 5
WEEKS = 8

# name: (headcount, parent, adoption %). Tiny sits beside North and South at the top:
# the whole minus North and South would give it away, so North is folded with it.
# Desk sits in Sales: it counts in "Sales (other)" with Sales's own six people.
TEAMS: dict[str, tuple[int, str | None, float]] = {
    "North": (20, None, 50.0),
    "South": (20, None, 60.0),
    "Tiny": (4, None, 84.9),
    "Sales": (6, None, 70.0),
    "Desk": (4, "Sales", 91.3),
    "Field": (20, "Sales", 40.0),
}
SECRETS = ("84.9", "91.3")  # the small teams' values, in any output format
WHOLE = sum(n * v for n, _, v in TEAMS.values()) / sum(n for n, _, _ in TEAMS.values())


# --- the pure rule --------------------------------------------------------------------------


def _groups(sizes: Mapping[str, int], parents: Mapping[str, str | None]) -> list[set[str]]:
    """The people each shown figure covers: the whole, and each shown team with its folded."""
    folding = fold_teams(sizes, parents, MIN_SIZE)
    whole = {team for team, n in sizes.items() if n > 0}
    if sum(sizes.values()) < MIN_SIZE:
        return []
    return [whole, *({*folding.members(team)} for team in folding.shown)]


def test_a_lone_small_team_takes_a_shown_sibling_with_it() -> None:
    sizes = {"North": 20, "South": 20, "Tiny": 4}
    folding = fold_teams(sizes, {t: None for t in sizes}, MIN_SIZE)
    assert folding.shown == {"South"}
    assert folding.folded(None) == ("North", "Tiny")  # 24 people: the whole minus South


def test_a_small_team_counts_in_its_parent() -> None:
    sizes = {"Sales": 6, "Desk": 4, "Field": 20}
    parents = {"Sales": None, "Desk": "Sales", "Field": "Sales"}
    folding = fold_teams(sizes, parents, MIN_SIZE)
    assert folding.shown == {"Sales", "Field"}
    assert folding.members("Sales") == ("Sales", "Desk")
    assert folding.into["Desk"] == "Sales"


def test_small_teams_together_make_other_teams() -> None:
    sizes = {"A": 3, "B": 4, "C": 2, "Big": 30}
    folding = fold_teams(sizes, {t: None for t in sizes}, MIN_SIZE)
    assert folding.shown == {"Big"}
    assert folding.folded(None) == ("A", "B", "C")  # nine people: may be told apart from Big


def test_nobody_is_in_no_group() -> None:
    folding = fold_teams({"Empty": 0, "Big": 9}, {"Empty": None, "Big": None}, MIN_SIZE)
    assert "Empty" not in folding.into and folding.shown == {"Big"}


@st.composite
def trees(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, str | None]]:
    count = draw(st.integers(1, 9))
    parents: dict[str, str | None] = {}
    for index in range(count):
        parent = draw(st.one_of(st.none(), st.integers(0, index - 1))) if index else None
        parents[f"t{index}"] = None if parent is None else f"t{parent}"
    sizes = {team: draw(st.integers(0, 9)) for team in parents}
    return sizes, parents


@settings(max_examples=400, deadline=None)
@given(trees())
def test_no_figure_of_fewer_than_n_people_can_be_derived(
    tree: tuple[dict[str, int], dict[str, str | None]],
) -> None:
    """Teams in exactly the same shown figures cannot be told apart: each such lot holds
    nobody or at least N people, so no sum or difference isolates a smaller group."""
    sizes, parents = tree
    groups = _groups(sizes, parents)
    assert atoms_are_safe(groups, sizes, MIN_SIZE)
    folding = fold_teams(sizes, parents, MIN_SIZE)
    for team, into in folding.into.items():  # folded into an ancestor (or the whole)
        ancestor = parents[team]
        while into is not None and into != team and ancestor != into:
            ancestor = parents[ancestor]  # type: ignore[index]
        assert into is None or into == team or ancestor == into


# --- every output -------------------------------------------------------------------------


@pytest.fixture
def teams(world: World) -> dict[str, Team]:
    made: dict[str, Team] = {}
    for name, (headcount, parent, _) in TEAMS.items():
        made[name] = builders.make_team(
            world.organization,
            name,
            headcount=headcount,
            parent_id=made[parent].id if parent else None,
        )
    db.session.flush()
    adoption = metrics.metric_by_key(world.initiative, "adoption_rate")
    assert adoption is not None
    monday = date(2026, 11, 16)
    for week in range(WEEKS):
        period = monday - timedelta(weeks=WEEKS - 1 - week)
        db.session.add(Observation(metric_id=adoption.id, team_id=None, period=period, value=WHOLE))
        for name, (_, _, value) in TEAMS.items():
            db.session.add(
                Observation(
                    metric_id=adoption.id, team_id=made[name].id, period=period, value=value
                )
            )
    world.initiative.licensed_seats = sum(n for n, _, _ in TEAMS.values())
    # A done action that touched South: its effect is read against the other groups.
    action = Action(
        initiative_id=world.initiative.id,
        stage_key="empower",
        title="Floor support in South",
        status="done",
        done_at=datetime(2026, 10, 14, 12, tzinfo=UTC),
        teams=[ActionTeam(team_id=made["South"].id)],
    )
    db.session.add(action)
    db.session.commit()
    return made


def _outputs(client: FlaskClient, world: World, teams: Mapping[str, Team], who: str) -> dict:
    initiative = world.initiative.id
    user = world.consultant if who == "consultant" else world.executive
    builders.login(client, user)
    headers = builders.api_headers(user)
    picked = f"/initiatives/{initiative}/dashboard?team={teams['Tiny'].id}"
    pages = {
        "metric page": f"/initiatives/{initiative}/metrics/adoption_rate",
        "dashboard": f"/initiatives/{initiative}/dashboard",
        "dashboard, small team picked": picked,
        "summary": f"/initiatives/{initiative}/dashboard/summary",
        "findings csv": f"/initiatives/{initiative}/dashboard/findings.csv",
        "action page": f"/actions/{_action_id(world)}/edit",
    }
    if who == "consultant":
        pages["consultant view"] = f"/initiatives/{initiative}/dashboard/consultant"
    found = {}
    for label, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, label
        found[label] = response.get_data(as_text=True)
    xlsx = client.get(f"/initiatives/{initiative}/dashboard/findings.xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as book:
        found["findings xlsx"] = "".join(
            book.read(name).decode() for name in book.namelist() if name.endswith(".xml")
        )
    api = {
        "diagnosis api": f"/api/v1/initiatives/{initiative}/diagnosis",
        "metrics api": f"/api/v1/initiatives/{initiative}/metrics/adoption_rate",
        "effects api": f"/api/v1/initiatives/{initiative}/effects",
    }
    for name, team in teams.items():
        api[f"metrics api, {name}"] = (
            f"/api/v1/initiatives/{initiative}/metrics/adoption_rate?team={team.id}"
        )
    for label, path in api.items():
        response = client.get(path, headers=headers)
        assert response.status_code == 200, label
        found[label] = response.get_data(as_text=True)
    return found


def _action_id(world: World) -> int:
    found = db.session.scalar(select(Action.id).where(Action.initiative_id == world.initiative.id))
    assert found is not None
    return found


def _figures(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


@pytest.mark.parametrize("who", ["consultant", "executive"])
def test_no_output_shows_or_gives_away_a_small_team(
    client: FlaskClient, world: World, teams: dict[str, Team], who: str
) -> None:
    outputs = _outputs(client, world, teams, who)
    for label, text in outputs.items():
        for secret in SECRETS:
            assert secret not in _figures(text), f"{secret} in the {label}"
        if label == "action page":  # its form offers every team to choose from
            continue
        # Tiny, Desk and North (folded to protect Tiny) are named by no output with figures.
        for name in ("Tiny", "Desk", "North"):
            assert not re.search(rf"\b{name}\b", text), f"{name} in the {label}"
    for name in ("Tiny", "Desk", "North"):
        assert '"suppressed":true' in outputs[f"metrics api, {name}"].replace(" ", "")
    assert '"suppressed":false' in outputs["metrics api, South"].replace(" ", "")
    # Desk's four people count in Sales's figure: (6 × 70 + 4 × 91.3) / 10 = 78.52.
    assert "78.52" in outputs["metrics api, Sales"]
    page = outputs["metric page"]
    assert "Sales (other)" in page and "78.5%" in page
    assert "1 in Sales (other), 2 in the whole initiative only." in page
    assert "2 in the whole initiative only." in outputs["dashboard"]
    # The action's effect is computed (against the shown and folded groups), not withheld.
    assert "Did it work?" in outputs["action page"]
    assert '"state":"noise"' in outputs["effects api"].replace(" ", "")


def test_shown_figures_cannot_be_combined_into_a_small_teams(
    world: World, teams: dict[str, Team]
) -> None:
    """Whole × people − Σ shown × people leaves a group of at least N, never Tiny alone."""
    adoption = metrics.metric_by_key(world.initiative, "adoption_rate")
    assert adoption is not None
    lines, _ = metric_lines(world.initiative, adoption)
    covers = {"South": {"South"}, "Field": {"Field"}, "Sales (other)": {"Sales", "Desk"}}
    shown = [line for line in lines if line.team_id is not None]
    assert sorted(line.name for line in shown) == sorted(covers)
    sizes = {name: n for name, (n, _, _) in TEAMS.items()}
    everyone = set(TEAMS)
    assert atoms_are_safe([everyone, *(covers[line.name] for line in shown)], sizes, MIN_SIZE)
    left = everyone - set().union(*covers.values())
    people = sum(sizes[name] for name in left)
    residual = WHOLE * sum(sizes.values()) - sum(
        line.points[-1].value * sum(sizes[t] for t in covers[line.name]) for line in shown
    )
    assert left == {"North", "Tiny"} and people >= MIN_SIZE
    assert round(residual / people, 1) != TEAMS["Tiny"][2]  # 24 people's mix, not Tiny's
