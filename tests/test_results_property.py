"""Suppression as a property: random team trees, answers and filters, every output checked.

For random trees of 2-8 teams, 0-12 respondents per team and campaign, and
a random campaign and team filter, the results service, the CSV export and
the JSON API must agree, show no figure based on fewer than N responses, and
leave no hidden team's count derivable by adding and subtracting visible
figures (the brute-force check of tests/survey/test_anonymity.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.results import survey_results
from app.services.results.exports import aggregates_csv
from models import Team, db
from tests import builders
from tests.builders import answer, make_campaign, make_survey, publish
from tests.results_checks import atoms_are_safe, csv_rows, derivable, subtree

MIN_SIZE = 5
_names = itertools.count(1)


@dataclass(frozen=True)
class Scenario:
    parents: tuple[int | None, ...]  # parent index of each team
    respondents: tuple[tuple[int, ...], ...]  # per campaign, per team
    campaign: int | None  # filter: index of a campaign
    team: int | None  # filter: index of a team


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    size = draw(st.integers(min_value=2, max_value=8))
    parents = tuple(
        draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1))) if i else None
        for i in range(size)
    )
    campaigns = draw(st.integers(min_value=1, max_value=2))
    counts = st.integers(min_value=0, max_value=12)
    respondents = tuple(tuple(draw(counts) for _ in range(size)) for _ in range(campaigns))
    campaign = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=campaigns - 1)))
    team = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=size - 1)))
    return Scenario(parents, respondents, campaign, team)


def _rows(n: int, seed: int) -> list[dict[str, int]]:
    return [
        {"kotter_urgency_1": (seed + i) % 5 + 1, "recommend": (seed * 3 + i) % 11} for i in range(n)
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_no_output_reveals_a_small_group(sqlite_app: Flask, scenario: Scenario) -> None:
    number = next(_names)
    organization = builders.make_organization(f"Random {number}")
    initiative = builders.make_initiative(organization)
    teams: list[Team] = []
    for index, parent in enumerate(scenario.parents):
        parent_id = teams[parent].id if parent is not None else None
        teams.append(builders.make_team(organization, f"t{index}", parent_id=parent_id))
    reader = builders.make_user(f"reader{number}@example.example", is_admin=True)
    db.session.commit()
    survey = make_survey(initiative, ["kotter_urgency", "recommend"])
    campaigns = []
    for c, counts in enumerate(scenario.respondents):
        campaign = make_campaign(survey, dict.fromkeys(teams, 12))
        for t, n in enumerate(counts):
            answer(campaign, teams[t], _rows(n, c * 7 + t))
        publish(campaign)
        campaigns.append(campaign)
    campaign_id = campaigns[scenario.campaign].id if scenario.campaign is not None else None
    team_id = teams[scenario.team].id if scenario.team is not None else None

    # The service, unfiltered and filtered: filters only choose among the same groups.
    everything = survey_results(survey)
    by_key = {(g.campaign_id, g.team_id): g for g in everything.groups}
    filtered = survey_results(survey, campaign_id, team_id)
    assert all(by_key[(g.campaign_id, g.team_id)] == g for g in filtered.groups)
    for group in everything.groups:
        if group.suppressed:
            assert group.responses is None and not group.dimensions and group.enps is None
        else:
            assert group.responses is not None and group.responses >= MIN_SIZE
            assert group.dimensions and group.enps is not None

    # Nothing hidden can be worked out from what is shown, campaign by campaign.
    name_of = {team.id: team.name for team in teams}
    parents = {f"t{i}": f"t{p}" if p is not None else None for i, p in enumerate(scenario.parents)}
    for c, campaign in enumerate(campaigns):
        respondents = {f"t{i}": n for i, n in enumerate(scenario.respondents[c])}
        groups = [g for g in everything.groups_of(campaign.id) if g.team_id is not None]
        visible = [subtree(name_of[g.team_id], parents) for g in groups if not g.suppressed]
        whole = everything.group(campaign.id, None)
        if whole is not None and not whole.suppressed:
            visible.append(set(parents))
        for group in groups:
            if not group.suppressed:
                continue
            name = name_of[group.team_id]
            members = subtree(name, parents)
            if sum(respondents[m] for m in members):
                assert not derivable(members, visible, respondents), (name, scenario)
        assert atoms_are_safe(visible, respondents, MIN_SIZE), scenario

    # The CSV export: the same groups, hidden ones blank.
    shown = {(g.campaign_id, g.team_id): g.responses for g in filtered.groups if not g.suppressed}
    lines = csv_rows(aggregates_csv(filtered))
    assert len(lines) == len(filtered.groups)
    for line in lines:
        key = (int(line["campaign_id"]), int(line["team_id"]) if line["team_id"] else None)
        if line["shown"] == "yes":
            assert int(line["responses"]) == shown[key] >= MIN_SIZE
        else:
            assert key not in shown
            assert line["responses"] == line["enps"] == line["kotter_urgency_mean"] == ""

    # The JSON API with the same filters.
    headers = builders.api_headers(reader)
    query = "&".join(
        f"{name}={value}"
        for name, value in (("campaign", campaign_id), ("team", team_id))
        if value is not None
    )
    response = sqlite_app.test_client().get(
        f"/api/v1/surveys/{survey.id}/results?{query}",
        headers=headers,
    )
    assert response.status_code == 200
    groups = response.json["groups"]  # type: ignore[index]
    assert len(groups) == len(filtered.groups)
    for group in groups:
        key = (group["campaign_id"], group["team_id"])
        if group["suppressed"]:
            assert key not in shown
            assert group["responses"] is group["dimensions"] is group["enps"] is None
        else:
            assert group["responses"] == shown[key] >= MIN_SIZE
