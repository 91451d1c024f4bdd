"""Pulse results: figures by hand, small groups hidden in every output, who sees what."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from app.demo import seed_demo
from app.services import results as service
from app.services.results import GroupStatus, detail, exports, survey_results
from config import ConfigError, settings_from_env
from models import (
    Answer,
    AnswerTally,
    Campaign,
    Initiative,
    Response,
    ResponseTally,
    Survey,
    SurveyAction,
    Team,
    User,
    db,
)
from models.base import utcnow
from survey.instruments import ITEMS_BY_KEY
from survey.scoring import adkar_barrier, cronbach_alpha, recode
from tests import builders
from tests.builders import answer, api_headers, make_campaign, make_survey, publish, team_code
from tests.conftest import World
from tests.pagecheck import page_text
from tests.results_checks import atoms_are_safe, chart_specs, csv_rows, derivable

DIMENSIONS = [
    "kotter_urgency",
    "resistance_unknown",
    "adkar_awareness",
    "adkar_desire",
    "recommend",
    "comment",
]


def row(
    urgency: int = 3, unknown: int = 3, awareness: int = 4, desire: int = 4, rec: int = 8
) -> dict[str, int]:
    """One respondent; ``unknown`` is the driver after recoding (both statements agree)."""
    return {
        "kotter_urgency_1": urgency,
        "resistance_unknown_1": unknown,
        "resistance_unknown_2": 6 - unknown,  # reverse-worded
        "adkar_awareness_1": awareness,
        "adkar_desire_1": desire,
        "recommend": rec,
    }


@dataclass
class Org:
    """Sales (with North, South and the tiny Ops) and Service, one campaign answered."""

    survey: Survey
    campaign: Campaign
    sales: Team
    north: Team
    south: Team
    ops: Team
    service: Team


@pytest.fixture
def org(world: World) -> Org:
    o = world.organization
    sales = builders.make_team(o, "Sales")
    north = builders.make_team(o, "North", parent_id=sales.id)
    south = builders.make_team(o, "South", parent_id=sales.id)
    ops = builders.make_team(o, "Ops", parent_id=sales.id)
    service = builders.make_team(o, "Service")
    db.session.commit()
    survey = make_survey(world.initiative, DIMENSIONS)
    campaign = make_campaign(survey, {sales: 3, north: 10, south: 12, ops: 9, service: 15})
    # Ops answers all 1s: any figure of Ops would be recognisable.
    answer(campaign, ops, [row(1, 1, 1, 1, 0)] * 4, ["ops says hello"] * 4)
    answer(campaign, north, [row(2, 4, 4, 3, 5)] * 6)
    answer(campaign, south, [row(4, 2, 5, 4, 9)] * 8)
    answer(
        campaign,
        service,
        [
            row(5, 5, 4, 2, 10),
            row(4, 4, 4, 5, 9),
            row(4, 3, 2, 5, 9),
            row(2, 2, 5, 1, 7),
            row(1, 1, 3, 4, 3),
        ]
        + [row()] * 7,
        [f"service comment {i}" for i in range(12)],
    )
    publish(campaign)
    return Org(survey, campaign, sales, north, south, ops, service)


# --- figures by hand ----------------------------------------------------------------------


def test_mean_favourable_and_enps_by_hand(app: Flask, world: World) -> None:
    team = builders.make_team(world.organization, "Desk")
    survey = make_survey(world.initiative, DIMENSIONS)
    campaign = make_campaign(survey, {team: 8})
    # urgency 5,4,4,2,1: mean 3.2, 3 of 5 agree. Stress of the unknown: statement 1 raw
    # 5,4,3,2,1 and the reverse-worded statement 2 raw 1,2,3,4,5 (recoded 5,4,3,2,1):
    # mean 3.0, 4 of 10 answers in the top two. Recommend 10,9,9,7,3: (3 - 1) / 5 = +40.
    rows = [
        {
            "kotter_urgency_1": u,
            "resistance_unknown_1": r,
            "resistance_unknown_2": 6 - r,
            "adkar_awareness_1": 4,
            "adkar_desire_1": 4,
            "recommend": rec,
        }
        for u, r, rec in ((5, 5, 10), (4, 4, 9), (4, 3, 9), (2, 2, 7), (1, 1, 3))
    ]
    answer(campaign, team, rows)
    publish(campaign)
    group = survey_results(survey).group(campaign.id, team.id)
    assert group is not None and group.status is GroupStatus.SHOWN
    urgency, unknown = group.dimension("kotter_urgency"), group.dimension("resistance_unknown")
    assert urgency is not None and unknown is not None
    assert (urgency.mean, urgency.favourable) == pytest.approx((3.2, 60.0))
    assert (unknown.mean, unknown.favourable) == pytest.approx((3.0, 40.0))
    assert not unknown.info.higher_is_better
    assert group.enps == pytest.approx(40.0)
    assert group.responses == 5 and group.response_rate == pytest.approx(62.5)

    api = app.test_client().get(
        f"/api/v1/surveys/{survey.id}/results?campaign={campaign.id}&team={team.id}",
        headers=api_headers(world.consultant),
    )
    assert api.status_code == 200
    (body,) = api.json["groups"]  # type: ignore[index]
    assert body["team_id"] == team.id and body["campaign_id"] == campaign.id
    assert body["responses"] == 5 and body["suppressed"] is False and body["enps"] == 40.0
    assert {"key": "kotter_urgency", "mean": 3.2, "favourable": 60.0} in body["dimensions"]
    assert {"key": "resistance_unknown", "mean": 3.0, "favourable": 40.0} in body["dimensions"]

    (line,) = [
        r for r in csv_rows(exports.aggregates_csv(survey_results(survey))) if r["team"] == "Desk"
    ]
    assert line["kotter_urgency_mean"] == "3.20" and line["kotter_urgency_favourable"] == "60.0"
    assert line["enps"] == "40.0" and line["responses"] == "5" and line["response_rate"] == "62.5"


def test_a_team_covers_its_subtree_and_the_whole_covers_everyone(org: Org) -> None:
    results = survey_results(org.survey)
    whole = results.group(org.campaign.id, None)
    sales = results.group(org.campaign.id, org.sales.id)
    assert whole is not None and sales is not None
    assert whole.responses == 30 and whole.headcount == 49
    assert sales.responses == 18 and sales.headcount == 34  # Sales 3 + North 10 + South 12 + Ops 9
    # Sales' urgency pools Ops (4 x 1), North (6 x 2) and South (8 x 4): 48 / 18.
    urgency = sales.dimension("kotter_urgency")
    assert urgency is not None and urgency.mean == pytest.approx(48 / 18)
    assert sales.low_response_rate and not whole.low_response_rate  # 53% and 61%


# --- small groups, in every output -----------------------------------------------------------


def _api_groups(app: Flask, org: Org, user: User, query: str = "") -> list[dict]:
    response = app.test_client().get(
        f"/api/v1/surveys/{org.survey.id}/results{query}", headers=api_headers(user)
    )
    assert response.status_code == 200
    return response.json["groups"]  # type: ignore[index, no-any-return]


def test_a_team_of_four_shows_fewer_than_five_and_no_figure_anywhere(
    app: Flask, client: FlaskClient, world: World, org: Org
) -> None:
    builders.login(client, world.consultant)
    # The JSON API: no count, no score, no eNPS.
    by_team = {g["team_id"]: g for g in _api_groups(app, org, world.executive)}
    ops = by_team[org.ops.id]
    assert ops["suppressed"] is True and ops["status"] == "too_few"
    assert ops["responses"] is None and ops["dimensions"] is None and ops["enps"] is None
    assert ops["response_rate"] is None and ops["reason"] == "fewer than 5 responses"
    # The CSV export: the row says why and is otherwise blank.
    (line,) = [
        r
        for r in csv_rows(_get(client, f"/surveys/{org.survey.id}/results.csv"))
        if r["team"] == "Ops"
    ]
    assert line["shown"] == "no" and line["note"] == "fewer than 5 responses"
    assert line["responses"] == line["response_rate"] == line["enps"] == ""
    assert all(line[key] == "" for key in line if key.endswith(("_mean", "_favourable")))
    # The page for Ops: the reason, nothing else.
    html = _get(client, f"/surveys/{org.survey.id}/results?team={org.ops.id}")
    text = page_text_of(html)
    assert "Fewer than 5 responses" in text
    assert "Dimensions" not in _headings(html) and "ADKAR barrier points" not in _headings(html)
    assert "ops says hello" not in html
    # Its trend has no point at all, the organisation page's Ops row only the reason.
    for spec in chart_specs(html):
        for trace in spec["data"]:
            values = trace.get("z", []) if trace["type"] == "heatmap" else trace.get("y", [])
            assert all(v is None for v in values) or all(
                all(v is None for v in line) for line in values
            )
    whole = _get(client, f"/surveys/{org.survey.id}/results")
    ops_row = re.search(
        r"<tr[^>]*>\s*<th scope=\"row\"><a[^>]*>Ops</a></th>(.*?)</tr>", whole, re.S
    )
    assert ops_row is not None and "Fewer than 5 responses" in ops_row.group(1)
    assert not re.search(r">\s*4\s*<", ops_row.group(1))
    (heatmap,) = [s for s in chart_specs(whole) if s["data"][0]["type"] == "heatmap"]
    trace = heatmap["data"][0]
    ops_index = next(i for i, label in enumerate(trace["y"]) if label.endswith("Ops"))
    assert all(z is None for z in trace["z"][ops_index])
    assert set(trace["text"][ops_index]) == {"<5"}


def page_text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _headings(html: str) -> list[str]:
    return [page_text_of(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]


def _get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_parent_does_not_give_a_small_child_away_by_subtraction(
    app: Flask, world: World, org: Org
) -> None:
    groups = _api_groups(app, org, world.consultant)
    status = {g["team_id"]: g["status"] for g in groups}
    # Sales (18) and South (8) show; North (6) is hidden with Ops (4): shown, it would
    # give Ops away as Sales - North - South.
    assert status[org.sales.id] == "shown" and status[org.south.id] == "shown"
    assert status[org.north.id] == "protecting" and status[org.ops.id] == "too_few"
    names = {
        org.sales.id: "sales",
        org.north.id: "north",
        org.south.id: "south",
        org.ops.id: "ops",
        org.service.id: "service",
    }
    parents = {"sales": None, "north": "sales", "south": "sales", "ops": "sales", "service": None}
    members = {
        "sales": {"sales", "north", "south", "ops"},
        "north": {"north"},
        "south": {"south"},
        "ops": {"ops"},
        "service": {"service"},
    }
    respondents = {"sales": 0, "north": 6, "south": 8, "ops": 4, "service": 12}
    visible = [set(parents)] + [
        members[names[g["team_id"]]] for g in groups if g["team_id"] and not g["suppressed"]
    ]
    assert not derivable({"ops"}, visible, respondents)
    assert not derivable({"north"}, visible, respondents)
    assert atoms_are_safe(visible, respondents, 5)


def test_filters_show_exactly_what_the_whole_view_shows(app: Flask, world: World, org: Org) -> None:
    everything = {
        (g["campaign_id"], g["team_id"]): g for g in _api_groups(app, org, world.executive)
    }
    for query in (
        f"?team={org.sales.id}",
        f"?campaign={org.campaign.id}&team={org.north.id}",
        f"?team={org.ops.id}",
        f"?campaign={org.campaign.id}",
    ):
        for group in _api_groups(app, org, world.executive, query):
            assert group == everything[(group["campaign_id"], group["team_id"])], query
    sales = _api_groups(app, org, world.executive, f"?team={org.sales.id}")
    assert {g["team_id"] for g in sales} == {org.sales.id, org.north.id, org.south.id, org.ops.id}


def test_comments_need_ten_and_no_subtraction(client: FlaskClient, world: World) -> None:
    o = world.organization
    a, b = builders.make_team(o, "Alpha"), builders.make_team(o, "Beta")
    survey = make_survey(world.initiative, DIMENSIONS)
    campaign = make_campaign(survey, {a: 14, b: 8})
    answer(campaign, a, [row()] * 12, [f"alpha {i}" for i in range(12)])
    answer(campaign, b, [row()] * 6, [f"beta {i}" for i in range(6)])
    publish(campaign)
    builders.login(client, world.executive)
    # Both teams show their scores, but Alpha's comments would give Beta's (6 people)
    # away as everyone's minus Alpha's: only everyone's comments are shown.
    whole = _get(client, f"/surveys/{survey.id}/results")
    assert "alpha 3" in whole and "beta 3" in whole
    alpha = _get(client, f"/surveys/{survey.id}/results?team={a.id}")
    assert "alpha 3" not in alpha and "Comments are shown only for groups of at least 10" in alpha
    assert "Dimensions" in _headings(alpha)


def test_comments_appear_from_ten_responses(client: FlaskClient, world: World) -> None:
    team = builders.make_team(world.organization, "Desk")
    survey = make_survey(world.initiative, DIMENSIONS)
    nine = make_campaign(survey, {team: 12}, utcnow() - timedelta(days=20))
    answer(nine, team, [row()] * 9, [f"note {i}" for i in range(9)])
    publish(nine)
    ten = make_campaign(survey, {team: 12})
    answer(ten, team, [row()] * 9 + [row()], [f"note {i}" for i in range(9)] + ["the tenth"])
    builders.login(client, world.executive)
    assert "note 1" not in _get(client, f"/surveys/{survey.id}/results?campaign={nine.id}")
    assert "note 1" not in _get(client, f"/surveys/{survey.id}/results?campaign={ten.id}")
    publish(ten)
    page = _get(client, f"/surveys/{survey.id}/results?campaign={ten.id}")
    assert "note 1" in page and "the tenth" in page


# --- the raw export -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("consultant", 200), ("admin", 200), ("executive", 403), ("outsider", 404)],
)
def test_raw_answers_are_for_consultants_only(
    client: FlaskClient, world: World, org: Org, who: str, status: int
) -> None:
    builders.login(client, world.user(who))
    assert client.get(f"/surveys/{org.survey.id}/answers.csv").status_code == status


def test_raw_answers_are_renumbered_without_days_and_hide_small_teams(
    client: FlaskClient, world: World, org: Org
) -> None:
    # A second campaign with only three answers altogether is left out entirely.
    small = make_campaign(org.survey, {org.service: 15}, utcnow() + timedelta(days=10))
    answer(small, org.service, [row()] * 3, ["tiny campaign"] * 3)
    builders.login(client, world.consultant)
    body = _get(client, f"/surveys/{org.survey.id}/answers.csv")
    rows = csv_rows(body)
    assert list(rows[0])[:3] == ["response", "campaign", "team"]
    assert "submitted_on" not in rows[0]
    assert [r["response"] for r in rows] == [str(i) for i in range(1, 31)]
    assert {r["campaign"] for r in rows} == {"1"}
    teams = {r["team"] for r in rows}
    # Ops and North are hidden: their answers sit in "Sales (other)" with nothing finer.
    assert teams == {"Sales (other)", "South", "Service"}
    assert sum(r["team"] == "Sales (other)" for r in rows) == 10
    # Comments: only Service's (12 people, a group the comment rules show on its own).
    commented = {r["team"] for r in rows if r["comment"]}
    assert commented == {"Service"} and "ops says hello" not in body
    assert "tiny campaign" not in body


# --- who sees what ------------------------------------------------------------------------------


def test_executives_see_results_consultants_also_alpha_and_raw(
    client: FlaskClient, world: World, org: Org
) -> None:
    url = f"/surveys/{org.survey.id}/results"
    builders.login(client, world.executive)
    executive = _get(client, url)
    assert "Results: CRM pulse" in executive and "Stress of the unknown" in executive
    assert "Cronbach" not in executive and "answers.csv" not in executive
    client.post("/logout")
    builders.login(client, world.consultant)
    consultant = _get(client, url)
    assert "Reliability (Cronbach’s alpha)" in consultant and "answers.csv" in consultant


@pytest.mark.parametrize(
    "path",
    [
        "/surveys/{survey}/results",
        "/surveys/{survey}/results.csv",
        "/surveys/{survey}/answers.csv",
    ],
)
def test_outsiders_get_404(client: FlaskClient, world: World, org: Org, path: str) -> None:
    builders.login(client, world.outsider)
    assert client.get(path.format(survey=org.survey.id)).status_code == 404
    assert client.post(f"/surveys/{org.survey.id}/actions", data={}).status_code == 404


def test_bad_filters_are_404_never_500(client: FlaskClient, world: World, org: Org) -> None:
    other = make_survey(world.initiative, DIMENSIONS, title="Other")
    elsewhere = make_campaign(other, {org.service: 3})
    builders.login(client, world.consultant)
    base = f"/surveys/{org.survey.id}/results"
    for query in (
        "?campaign=abc",
        f"?campaign={elsewhere.id}",
        f"?team={world.other_team.id}",
        "?team=99999999999",
        "?team=-1",
        "?campaign=１",
    ):
        assert client.get(base + query).status_code == 404, query
        assert client.get(base + ".csv" + query).status_code == 404, query


# --- the JSON API -------------------------------------------------------------------------------


def test_api_lists_surveys_with_campaigns_and_zoned_timestamps(
    client: FlaskClient, world: World, org: Org
) -> None:
    response = client.get(
        f"/api/v1/initiatives/{world.initiative.id}/surveys", headers=api_headers(world.executive)
    )
    assert response.status_code == 200
    (item,) = response.json["items"]  # type: ignore[index]
    assert item["id"] == org.survey.id and item["title"] == "CRM pulse"
    (campaign,) = item["campaigns"]
    assert campaign["id"] == org.campaign.id
    assert campaign["opens_at"].endswith("+00:00") and campaign["closes_at"].endswith("+00:00")


def test_api_results_refuse_bad_ids_with_json_404(
    client: FlaskClient, world: World, org: Org
) -> None:
    other = make_survey(world.initiative, DIMENSIONS, title="Other")
    elsewhere = make_campaign(other, {org.service: 3})
    headers = api_headers(world.executive)
    base = f"/api/v1/surveys/{org.survey.id}/results"
    for query in (
        "?campaign=abc",
        f"?campaign={elsewhere.id}",
        f"?team={world.other_team.id}",
        "?team=99999999999999",
        "?team=1.5",
    ):
        response = client.get(base + query, headers=headers)
        assert response.status_code == 404 and "error" in response.json, query  # type: ignore[operator]
    assert client.get("/api/v1/surveys/999999/results", headers=headers).status_code == 404
    assert client.get(base).status_code == 401
    outsider = api_headers(world.outsider)
    assert client.get(base, headers=outsider).status_code == 404
    lists = f"/api/v1/initiatives/{world.initiative.id}/surveys"
    assert client.get(lists, headers=outsider).status_code == 404


def test_api_results_shape(app: Flask, world: World, org: Org) -> None:
    body = (
        app.test_client()
        .get(f"/api/v1/surveys/{org.survey.id}/results", headers=api_headers(world.executive))
        .json
    )
    assert body is not None and body["min_group_size"] == 5
    whole = body["groups"][0]
    assert whole["team_id"] is None and whole["responses"] == 30 and not whole["suppressed"]
    assert {d["key"] for d in whole["dimensions"]} == {
        "kotter_urgency",
        "resistance_unknown",
        "adkar_awareness",
        "adkar_desire",
    }
    for group in body["groups"]:
        assert set(group) >= {
            "team_id",
            "campaign_id",
            "responses",
            "suppressed",
            "dimensions",
            "enps",
        }
        if group["suppressed"]:
            assert group["responses"] is group["dimensions"] is group["enps"] is None


# --- the consultant's extras, in SQL ----------------------------------------------------------


def test_alpha_in_sql_matches_the_python_formula(world: World) -> None:
    team = builders.make_team(world.organization, "Desk")
    survey = make_survey(world.initiative, ["resistance_devalued", "kotter_urgency"])
    campaign = make_campaign(survey, {team: 10})
    raw = [(5, 4, 2), (4, 4, 1), (2, 3, 4), (3, 2, 3), (1, 1, 5), (4, 5, 2), (2, 2, 3)]
    keys = ["resistance_devalued_1", "resistance_devalued_2", "resistance_devalued_3"]
    answer(
        campaign, team, [{**dict(zip(keys, r, strict=True)), "kotter_urgency_1": 3} for r in raw]
    )
    # An incomplete response is left out of alpha (listwise), not of the figures.
    answer(campaign, team, [{"resistance_devalued_1": 5, "kotter_urgency_1": 3}])
    publish(campaign)
    results = survey_results(survey)
    (devalued,) = detail.dimension_alphas(results, campaign.id, None)
    expected = cronbach_alpha(
        [[recode(v, ITEMS_BY_KEY[k]) for k, v in zip(keys, r, strict=True)] for r in raw]
    )
    assert devalued.respondents == 7 and devalued.items == 3
    assert devalued.alpha == pytest.approx(expected)
    assert "caution" in devalued.verdict  # fewer than 10 respondents


def test_adkar_barriers_in_sql_match_the_python_rule(org: Org) -> None:
    results = survey_results(org.survey)
    distribution = detail.adkar_distribution(results, org.campaign.id, org.service.id)
    assert distribution is not None and distribution.respondents == 12
    # Service: awareness, desire = (4,2) (4,5) (2,5) (5,1) (3,4) and seven times (4,4).
    pairs = [(4, 2), (4, 5), (2, 5), (5, 1), (3, 4)] + [(4, 4)] * 7
    expected: dict[str, int] = {}
    for awareness, desire in pairs:
        barrier = adkar_barrier({"awareness": awareness, "desire": desire}) or "none"
        expected[barrier] = expected.get(barrier, 0) + 1
    assert {k: v for k, v in distribution.counts if v} == expected
    with pytest.raises(service.HiddenGroup):
        detail.adkar_distribution(results, org.campaign.id, org.ops.id)


def test_results_read_a_fixed_number_of_queries_whatever_the_teams(
    app: Flask, world: World
) -> None:
    survey = make_survey(world.initiative, DIMENSIONS)
    teams = [builders.make_team(world.organization, f"T{i}") for i in range(9)]
    campaign = make_campaign(survey, dict.fromkeys(teams, 8))
    answer(campaign, teams[0], [row()] * 5)

    def statements() -> int:
        db.session.refresh(survey)
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            survey_results(survey)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert not any("answer " in s.lower() and "tally" not in s.lower() for s in seen)
        return len(seen)

    publish(campaign)
    few = statements()
    later = make_campaign(survey, dict.fromkeys(teams, 8), utcnow() - timedelta(days=1))
    for team in teams:
        answer(later, team, [row()] * 5)
    publish(later)
    assert statements() == few <= 5


# --- you said, we did ---------------------------------------------------------------------------


def test_executive_posts_you_said_we_did_and_staff_see_it(
    client: FlaskClient, world: World, org: Org
) -> None:
    builders.login(client, world.executive)
    page = _get(
        client,
        f"/surveys/{org.survey.id}/results?team={org.service.id}&respond=kotter_urgency",
    )
    # Service's urgency: 5, 4, 4, 2, 1 and seven 3s = 37 / 12; three of twelve agree.
    assert "Service: “Urgency” scored 3.1 out of 5; 25% agree." in page
    response = client.post(
        f"/surveys/{org.survey.id}/actions?team={org.service.id}",
        data={
            "you_said": "Service: urgency is low",
            "we_did": "Churn figures at every huddle",
            "team_id": str(org.service.id),
            "dimension_key": "kotter_urgency",
            "campaign_id": str(org.campaign.id),
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#you-said")
    action = db.session.scalars(select(SurveyAction)).one()
    assert (action.team_id, action.created_by_id) == (org.service.id, world.executive.id)
    # Staff of Service see it after answering; staff of South do not.
    assert "Churn figures at every huddle" in _get(
        client, f"/p/{team_code(org.survey, org.service)}/thanks"
    )
    assert "Churn figures" not in _get(client, f"/p/{team_code(org.survey, org.south)}/thanks")


def test_the_link_beside_a_result_says_it_tells_staff_what_was_done_about_it(
    client: FlaskClient, world: World, org: Org
) -> None:
    builders.login(client, world.executive)
    body = _get(client, f"/surveys/{org.survey.id}/results?team={org.service.id}")
    text = page_text(client.get(f"/surveys/{org.survey.id}/results?team={org.service.id}"))
    assert ">Respond<" not in body and "Respond " not in text
    links = re.findall(r'<a href="([^"]*respond=kotter_urgency[^"]*)">(.*?)</a>', body, re.S)
    assert len(links) == 1
    href, label = links[0]
    assert " ".join(re.sub(r"<[^>]+>", " ", label).split()) == (
        "Tell staff what you did about Urgency"
    )
    followed = _get(client, href.replace("&amp;", "&"))
    assert "Service: “Urgency” scored 3.1 out of 5; 25% agree." in followed


def test_you_said_we_did_errors_name_the_field(client: FlaskClient, world: World, org: Org) -> None:
    builders.login(client, world.executive)
    response = client.post(
        f"/surveys/{org.survey.id}/actions",
        data={"you_said": "", "we_did": "Something", "team_id": str(world.other_team.id)},
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "Say what staff told you." in text and "Something" in text
    assert db.session.scalar(select(func.count()).select_from(SurveyAction)) == 0


def test_suggestion_never_quotes_a_hidden_group(
    client: FlaskClient, world: World, org: Org
) -> None:
    builders.login(client, world.executive)
    page = _get(
        client, f"/surveys/{org.survey.id}/results?team={org.ops.id}&respond=kotter_urgency"
    )
    assert "scored" not in page and "out of 5" not in page


def test_only_the_author_or_a_consultant_takes_an_entry_down(
    client: FlaskClient, world: World, org: Org
) -> None:
    action = SurveyAction(
        survey_id=org.survey.id, you_said="x", we_did="y", created_by_id=world.executive.id
    )
    db.session.add(action)
    other = builders.make_user(organization=world.organization)
    db.session.commit()
    builders.login(client, other)
    assert client.post(f"/survey-actions/{action.id}/delete").status_code == 403
    client.post("/logout")
    builders.login(client, world.consultant)
    assert client.post(f"/survey-actions/{action.id}/delete").status_code == 302
    assert db.session.get(SurveyAction, action.id) is None


# --- for the diagnosis --------------------------------------------------------------------------


def test_staff_kotter_means_and_team_means_for_the_diagnosis(world: World, org: Org) -> None:
    means = service.kotter_staff_means(world.initiative)
    assert set(means) == {"urgency"}
    mean, respondents = means["urgency"]
    assert respondents == 30 and mean == pytest.approx((4 * 1 + 6 * 2 + 8 * 4 + 37) / 30)
    teams = service.team_dimension_means(world.initiative)
    assert set(teams) == {org.sales.id, org.south.id, org.service.id}
    assert teams[org.south.id]["kotter_urgency"] == pytest.approx(4.0)
    assert teams[org.south.id]["resistance_unknown"] == pytest.approx(2.0)
    assert service.kotter_staff_means(world.other_initiative) == {}


# --- the demo story -------------------------------------------------------------------------------


def test_demo_tells_the_pulse_story(app: Flask) -> None:
    seed_demo()
    db.session.commit()
    initiative = db.session.scalars(select(Initiative)).one()
    survey = db.session.scalars(select(Survey)).one()
    everything = survey_results(survey)
    # Six published campaigns, and a seventh open now: participation only.
    assert len(everything.campaigns) == 7 and len(everything.published) == 6
    current = everything.campaigns[-1]
    assert not current.published and current.is_open(utcnow())
    assert everything.groups_of(current.id) == []
    results = replace(everything, campaigns=everything.published)
    teams = {t.name: t.id for t in results.teams}
    first, last = results.campaigns[0], results.campaigns[-1]
    assert last.closes_at.date() < utcnow().date()

    def group(campaign_id: int, name: str | None) -> service.GroupResult:
        found = results.group(campaign_id, teams[name] if name else None)
        assert found is not None
        return found

    for campaign in results.campaigns:
        assert group(campaign.id, "Sales Operations").status is GroupStatus.TOO_FEW
        shown = [g for g in results.groups_of(campaign.id) if not g.suppressed]
        assert len(shown) == 9  # everyone else, with the whole
        assert 70 <= (group(campaign.id, None).response_rate or 0) <= 85
    # Sales North resists: the most "lost personal touch", and its eNPS falls.
    touch = {
        g.name: g.dimension("resistance_personal_touch").mean  # type: ignore[union-attr]
        for g in results.groups_of(last.id)
        if g.team_id and not g.suppressed
    }
    assert max(touch, key=touch.__getitem__) == "Sales North" and touch["Sales North"] > 4
    north = [group(c.id, "Sales North").enps or 0 for c in results.campaigns]
    assert north[-1] < north[0] - 30
    # Claims improves after the action posted after campaign 3.
    claims = [
        group(c.id, "Claims Service").dimension("kotter_empower").mean  # type: ignore[union-attr]
        for c in results.campaigns
    ]
    assert claims[-1] > claims[2] + 1
    action = db.session.scalars(
        select(SurveyAction).where(SurveyAction.team_id == teams["Claims Service"])
    ).one()
    assert results.campaigns[2].closes_at < action.created_at < results.campaigns[3].opens_at
    # Staff's view of the steps (leaders rate urgency 4.5).
    staff = service.kotter_staff_means(initiative)
    assert 2.4 <= staff["urgency"][0] <= 2.8 and 2.1 <= staff["empower"][0] <= 2.5
    assert 3.0 <= staff["communicate"][0] <= 3.4 and "vision" in staff
    # The bulk-written tallies are exactly the answers, as the hot path keeps them.
    recount = dict(
        db.session.execute(select(Answer.item_key, func.count()).group_by(Answer.item_key)).all()
    )
    tallied = dict(
        db.session.execute(
            select(AnswerTally.item_key, func.sum(AnswerTally.n)).group_by(AnswerTally.item_key)
        ).all()
    )
    assert recount == tallied
    people = db.session.scalar(select(func.count()).select_from(Response))
    assert db.session.scalar(select(func.sum(ResponseTally.responses))) == people
    assert first.number == 1 and last.number == 6


# --- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, 10),
        ({"STEPWISE_MIN_COMMENT_GROUP_SIZE": "12"}, 12),
        ({"STEPWISE_MIN_GROUP_SIZE": "15"}, 15),
        ({"STEPWISE_MIN_GROUP_SIZE": "5", "STEPWISE_MIN_COMMENT_GROUP_SIZE": "5"}, 5),
    ],
)
def test_comment_threshold_setting(tmp_path, environ: dict[str, str], expected: int) -> None:  # type: ignore[no-untyped-def]
    settings = settings_from_env(tmp_path, {"SECRET_KEY": "x", **environ})
    assert settings["STEPWISE_MIN_COMMENT_GROUP_SIZE"] == expected


def test_comment_threshold_never_below_the_group_threshold(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="STEPWISE_MIN_COMMENT_GROUP_SIZE"):
        settings_from_env(tmp_path, {"SECRET_KEY": "x", "STEPWISE_MIN_COMMENT_GROUP_SIZE": "4"})
