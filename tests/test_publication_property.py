"""Publication as a property: random trees, answers, orders and team changes over campaigns.

For random trees of 2-8 teams, 0-7 respondents per team and campaign, answers
arriving in a random order, and teams moved, renamed and archived between
campaigns (and while one is open), four things must hold:

(a) a published campaign's groups, through ``survey_results`` and the JSON
    API, never change afterwards, whatever happens to the teams or later
    campaigns;
(b) while a campaign is open, no result output (service, API, both CSV
    exports) holds any group or row of it;
(c) in every published campaign no hidden team's respondent count can be
    derived from the shown groups (adding and subtracting), and every set of
    teams that the shown groups cannot tell apart holds nobody or at least N;
(d) every shown group's figures are the recount of the answers sent by the
    teams of its subtree in the tree frozen when the campaign was created.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.services import organizations
from app.services.organizations import SubTeams
from app.services.results import GroupResult, survey_results
from app.services.results.exports import aggregates_csv, answers_csv
from models import Campaign, Organization, Survey, Team, db
from models.base import utcnow
from tests import builders
from tests.builders import answer, make_campaign, make_survey, publish
from tests.results_checks import atoms_are_safe, csv_rows, derivable, subtree

MIN_SIZE = 5
DIMENSIONS = ["kotter_urgency", "resistance_unknown", "recommend"]
SCORED = {
    "kotter_urgency": ("kotter_urgency_1",),
    "resistance_unknown": ("resistance_unknown_1", "resistance_unknown_2"),
}
REVERSED = {"resistance_unknown_2"}
_numbers = itertools.count(1)


# --- scenarios ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A change to one team: ``kind`` move (under ``target``), rename or archive."""

    kind: str
    team: int  # index of the team
    target: int  # for a move: picks the new parent among the valid ones (or none)


@dataclass(frozen=True)
class Round:
    """One campaign: who answers in what order, and what changes around it."""

    before: tuple[Change, ...]  # between the previous campaign and this one
    order: tuple[int, ...]  # team index of each answer, in the order they arrive
    during: tuple[Change, ...]  # while the campaign is open, halfway through


@dataclass(frozen=True)
class Scenario:
    parents: tuple[int | None, ...]
    rounds: tuple[Round, ...]


def changes(size: int, least: int, most: int) -> st.SearchStrategy[tuple[Change, ...]]:
    change = st.builds(
        Change,
        st.sampled_from(["move", "rename", "archive"]),
        st.integers(min_value=0, max_value=size - 1),
        st.integers(min_value=0, max_value=20),
    )
    return st.lists(change, min_size=least, max_size=most).map(tuple)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    size = draw(st.integers(min_value=2, max_value=8))
    parents = tuple(
        draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1))) if i else None
        for i in range(size)
    )
    rounds = []
    for number in range(draw(st.integers(min_value=1, max_value=3))):
        counts = [draw(st.integers(min_value=0, max_value=7)) for _ in range(size)]
        arrivals = [team for team, n in enumerate(counts) for _ in range(n)]
        order = tuple(draw(st.permutations(arrivals)))
        before = draw(changes(size, 1, 3)) if number else ()
        rounds.append(Round(before, order, draw(changes(size, 0, 2))))
    return Scenario(parents, tuple(rounds))


# --- playing a scenario ---------------------------------------------------------------------


def _row(campaign: int, team: int, nth: int) -> dict[str, int]:
    """A respondent's raw answers, varied by campaign, team and arrival."""
    seed = 7 * campaign + 3 * team + nth
    unknown = 1 + (seed * 2) % 5
    return {
        "kotter_urgency_1": 1 + seed % 5,
        "resistance_unknown_1": unknown,
        "resistance_unknown_2": 1 + (seed + team) % 5,  # reverse-worded
        "recommend": (seed * 3) % 11,
    }


@dataclass
class Play:
    """A scenario being played: the organisation, its teams by index, what was sent."""

    organization: Organization
    survey: Survey
    teams: list[Team]
    reader: FlaskClient
    headers: dict[str, str]
    renames: itertools.count  # type: ignore[type-arg]
    # campaign id -> team id -> raw answers sent
    sent: dict[int, dict[int, list[dict[str, int]]]]
    # campaign id -> its outputs as published (``outputs_of``)
    published: dict[int, tuple[Any, ...]]

    def apply(self, change: Change) -> None:
        team = self.teams[change.team]
        if team.archived_at is not None:
            return  # archived teams are restored before any change; none is restored here
        if change.kind == "rename":
            organizations.save_team(
                self.organization, f"{team.name}~{next(self.renames)}", team.headcount,
                team.parent_id, team,
            )  # fmt: skip
        elif change.kind == "move":
            inside = _subtree_ids(team)
            options: list[int | None] = [
                t.id for t in self.teams if t.archived_at is None and t.id not in inside
            ]
            options.append(None)
            parent_id = options[change.target % len(options)]
            organizations.save_team(self.organization, team.name, team.headcount, parent_id, team)
        else:
            organizations.remove_team(team, SubTeams.MOVE_UP)
        event(f"applied {change.kind}")
        db.session.commit()
        for other in self.teams:
            db.session.refresh(other)  # every team has history, so removing only archives

    def api_groups(self, query: str = "") -> list[dict[str, Any]]:
        response = self.reader.get(
            f"/api/v1/surveys/{self.survey.id}/results{query}", headers=self.headers
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json["groups"]  # type: ignore[index, no-any-return]

    def api_text(self, campaign_id: int) -> str:
        return json.dumps(self.api_groups(f"?campaign={campaign_id}"), sort_keys=True)

    def outputs_of(self, campaign_id: int) -> tuple[Any, ...]:
        """One campaign's groups (service, API), figures CSV, and raw answers as a multiset."""
        results = survey_results(self.survey, campaign_id)
        raw = Counter(
            tuple(value for key, value in row.items() if key != "response")
            for row in csv_rows(answers_csv(results))
        )
        return results.groups, self.api_text(campaign_id), aggregates_csv(results), raw

    def check_published_unchanged(self, when: str) -> None:
        """(a) Every published campaign's outputs are exactly as they were published."""
        for campaign_id, published in self.published.items():
            now = self.outputs_of(campaign_id)
            for part, (was, is_) in enumerate(zip(published, now, strict=True)):
                assert is_ == was, (when, campaign_id, ["groups", "API", "CSV", "raw"][part])

    def check_nothing_of(self, campaign: Campaign, number: int, *, api: bool) -> None:
        """(b) The open campaign is in no output: no group, no CSV row, no raw answer."""
        everything = survey_results(self.survey)
        assert everything.groups_of(campaign.id) == []
        assert survey_results(self.survey, campaign.id).groups == ()
        lines = csv_rows(aggregates_csv(everything))
        assert all(int(line["campaign_id"]) != campaign.id for line in lines)
        raw = csv_rows(answers_csv(everything))
        assert all(int(line["campaign"]) != number for line in raw)
        if api:
            assert self.api_groups(f"?campaign={campaign.id}") == []
            assert all(g["campaign_id"] != campaign.id for g in self.api_groups())


def _subtree_ids(team: Team) -> set[int]:
    teams = db.session.query(Team.id, Team.parent_id).filter(
        Team.organization_id == team.organization_id
    )
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in teams:
        children.setdefault(parent_id, []).append(team_id)
    found, stack = {team.id}, [team.id]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


# --- the checks on one published campaign -------------------------------------------------------


def recount(rows: Sequence[Mapping[str, int]]) -> dict[str, Any]:
    figures: dict[str, Any] = {"responses": len(rows)}
    for dimension, keys in SCORED.items():
        scores = [6 - r[k] if k in REVERSED else r[k] for r in rows for k in keys]
        figures[dimension] = (
            pytest.approx(sum(scores) / len(scores)),
            pytest.approx(100 * sum(s >= 4 for s in scores) / len(scores)),
        )
    recommend = [r["recommend"] for r in rows]
    net = sum(v >= 9 for v in recommend) - sum(v <= 6 for v in recommend)
    figures["enps"] = pytest.approx(100 * net / len(recommend))
    return figures


def figures(group: GroupResult) -> dict[str, Any]:
    found: dict[str, Any] = {"responses": group.responses, "enps": group.enps}
    for dimension in group.dimensions:
        found[dimension.key] = (dimension.mean, dimension.favourable)
    return found


def check_campaign(play: Play, campaign: Campaign, scenario: Scenario) -> None:
    """(c) nothing hidden is derivable, and (d) what is shown is the recount."""
    tree = {
        str(node[0]): str(node[1]) if node[1] is not None else None for node in campaign.team_tree
    }
    sent = play.sent[campaign.id]
    respondents = {team: len(sent.get(int(team), [])) for team in tree}
    results = survey_results(play.survey, campaign.id)
    whole = results.group(campaign.id, None)
    assert whole is not None
    visible: list[set[str]] = []
    if not whole.suppressed:
        visible.append(set(tree))
        rows = [row for team_rows in sent.values() for row in team_rows]
        assert figures(whole) == recount(rows), scenario
    else:
        assert sum(respondents.values()) < MIN_SIZE
    for group in results.team_groups(campaign.id):
        if group.suppressed:
            assert group.responses is None and not group.dimensions and group.enps is None
            continue
        members = subtree(str(group.team_id), tree)
        rows = [row for team in members for row in sent.get(int(team), [])]
        assert group.responses is not None and group.responses >= MIN_SIZE
        assert figures(group) == recount(rows), (group.name, scenario)
        visible.append(members)
    for group in results.team_groups(campaign.id):
        members = subtree(str(group.team_id), tree)
        if group.suppressed and sum(respondents[m] for m in members):
            assert not derivable(members, visible, respondents), (group.name, scenario)
    assert atoms_are_safe(visible, respondents, MIN_SIZE), scenario
    # The API says the same, rounded: same groups, same counts, nothing more for hidden ones.
    by_key = {g.team_id: g for g in results.groups}
    api = play.api_groups(f"?campaign={campaign.id}")
    assert [g["team_id"] for g in api] == [g.team_id for g in results.groups]
    for body in api:
        group = by_key[body["team_id"]]
        assert body["suppressed"] is group.suppressed and body["responses"] == group.responses
        if group.suppressed:
            assert body["dimensions"] is body["enps"] is body["response_rate"] is None
        else:
            assert {d["key"]: d["mean"] for d in body["dimensions"]} == {
                d.key: round(d.mean, 2) for d in group.dimensions
            }


# --- the property -------------------------------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_published_campaigns_are_final_open_ones_invisible_and_nothing_small_derivable(
    sqlite_app: Flask, scenario: Scenario
) -> None:
    number = next(_numbers)
    organization = builders.make_organization(f"Published {number}")
    initiative = builders.make_initiative(organization)
    teams: list[Team] = []
    for index, parent in enumerate(scenario.parents):
        parent_id = teams[parent].id if parent is not None else None
        teams.append(builders.make_team(organization, f"t{index}", parent_id=parent_id))
    reader = builders.make_user(f"watcher{number}@example.example", is_admin=True)
    db.session.commit()
    headers = builders.api_headers(reader)
    survey = make_survey(initiative, DIMENSIONS)
    play = Play(
        organization, survey, teams, sqlite_app.test_client(),
        headers, itertools.count(1), {}, {},
    )  # fmt: skip
    start = utcnow() - timedelta(days=30)
    for c, round_ in enumerate(scenario.rounds):
        for change in round_.before:
            play.apply(change)
            play.check_published_unchanged(f"after {change} before campaign {c}")
        active = [t for t in teams if t.archived_at is None]
        campaign = make_campaign(survey, dict.fromkeys(active, 9), start + timedelta(days=c))
        campaign.closes_at = utcnow() + timedelta(days=3)
        db.session.commit()
        play.sent[campaign.id] = {}
        asked = {t.id for t in active}
        arrivals = [i for i in round_.order if teams[i].id in asked]
        halfway = len(arrivals) // 2
        for nth, index in enumerate(arrivals):
            if nth == halfway:
                for change in round_.during:
                    play.apply(change)
                play.check_nothing_of(campaign, c + 1, api=True)
                play.check_published_unchanged(f"halfway through campaign {c}")
            team = teams[index]
            rows = play.sent[campaign.id].setdefault(team.id, [])
            rows.append(_row(c, index, len(rows)))
            answer(campaign, team, [rows[-1]])
            play.check_nothing_of(campaign, c + 1, api=False)
        play.check_nothing_of(campaign, c + 1, api=True)
        publish(campaign)
        db.session.refresh(campaign)
        check_campaign(play, campaign, scenario)
        hidden = [g for g in survey_results(survey, campaign.id).groups if g.suppressed]
        event(f"campaign with {min(len(hidden), 3)}+ hidden groups")
        event(f"protecting: {any(g.status.value == 'protecting' for g in hidden)}")
        play.published[campaign.id] = play.outputs_of(campaign.id)
        play.check_published_unchanged(f"after publishing campaign {c}")
    # One more round of changes after the last campaign: still nothing moves.
    for change in scenario.rounds[0].during + scenario.rounds[-1].before:
        play.apply(change)
    play.check_published_unchanged("at the end")
    for campaign_id in play.published:
        check_campaign(play, db.session.get_one(Campaign, campaign_id), scenario)
