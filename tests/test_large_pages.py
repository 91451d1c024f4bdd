"""Pages that scale with what they show, and figures computed once that stay exact.

- Cronbach's alpha of a published campaign is stored when it is published;
  what is read back equals a recount from the raw answers.
- The results page lists the whole team tree while it is short and one level
  at a time (paged) when it is long; the dashboard draws the teams that
  matter, with a picker for any other.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.demo import seed_demo
from app.results.page import TEAMS_PER_PAGE
from app.services import diagnosis as diagnosis_service
from app.services import results as service
from app.services.results.detail import (
    COMMENTS_PER_PAGE,
    adkar_distribution,
    dimension_alphas,
)
from models import Initiative, Organization, PublishedGroup, Survey, Team, db
from models.base import utcnow
from tests import builders
from tests.builders import answer, make_campaign, make_survey, publish
from tests.conftest import World

DEMO = "Northwind Mutual"
DEMO_EXECUTIVE = "morgan.hale@northwind.demo"


def _demo_survey() -> Survey:
    seed_demo()
    db.session.commit()
    return db.session.scalars(
        select(Survey).join(Initiative).join(Organization).where(Organization.name == DEMO)
    ).first()


def test_stored_alphas_and_adkar_equal_a_recount_from_the_answers(app) -> None:  # type: ignore[no-untyped-def]
    survey = _demo_survey()
    checked = 0
    for campaign_id in service.published_campaign_ids(survey.id):
        found = service.survey_results(survey, campaign_id)
        whole = found.group(campaign_id, None)
        if whole is None or whole.suppressed:
            continue
        assert whole.alphas is not None, "published without its alphas"
        stored = dimension_alphas(found, campaign_id, None)
        # The same group without the stored figures: computed from every answer again.
        fresh = service.SurveyResults(
            **{
                **{f: getattr(found, f) for f in ("survey_id", "organization", "min_group_size",
                                                  "min_comment_group_size", "campaigns",
                                                  "dimensions", "teams", "trees")},
                "groups": tuple(
                    replace(g, alphas=None, adkar=None) if g.team_id is None else g
                    for g in found.groups
                ),
            }
        )  # fmt: skip
        recounted = dimension_alphas(fresh, campaign_id, None)
        assert stored and len(stored) == len(recounted)
        for a, b in zip(stored, recounted, strict=True):
            assert (a.dimension.key, a.items, a.respondents, a.verdict) == (
                b.dimension.key, b.items, b.respondents, b.verdict,
            )  # fmt: skip
            assert a.alpha == pytest.approx(b.alpha, abs=1e-12)
        assert whole.adkar is not None
        assert adkar_distribution(found, campaign_id, None) == adkar_distribution(
            fresh, campaign_id, None
        )
        checked += 1
    assert checked >= 2


def test_a_group_published_before_alphas_were_stored_computes_them(app) -> None:  # type: ignore[no-untyped-def]
    survey = _demo_survey()
    campaign_id = service.newest_shown_campaign(survey.id)
    assert campaign_id is not None
    before = dimension_alphas(service.survey_results(survey, campaign_id), campaign_id, None)
    db.session.execute(
        PublishedGroup.__table__.update()
        .where(PublishedGroup.campaign_id == campaign_id)
        .values(alphas=None)
    )
    after = dimension_alphas(service.survey_results(survey, campaign_id), campaign_id, None)
    assert [(r.dimension.key, r.respondents) for r in after] == [
        (r.dimension.key, r.respondents) for r in before
    ]
    assert [r.alpha for r in after] == pytest.approx([r.alpha for r in before])


# --- a long team tree -------------------------------------------------------------------------

PARENTS = 3
CHILDREN = 12  # 3 + 36 teams: more than a page


def _long_tree(world: World) -> tuple[Survey, list[Team], dict[Team, list[Team]]]:
    o = world.organization
    parents = [builders.make_team(o, f"Region {p}") for p in range(PARENTS)]
    db.session.flush()
    kids = {
        parent: [
            builders.make_team(o, f"{parent.name} team {k:02d}", parent_id=parent.id)
            for k in range(CHILDREN)
        ]
        for parent in parents
    }
    db.session.commit()
    survey = make_survey(world.initiative, ["kotter_urgency", "recommend"])
    sizes = {team: 8 for group in kids.values() for team in group}
    campaign = make_campaign(survey, sizes, utcnow() - timedelta(days=3))
    for group in kids.values():
        for team in group:
            answer(campaign, team, [{"kotter_urgency_1": 4, "recommend": 9}] * 6)
    publish(campaign)
    return survey, parents, kids


def _team_rows(page: str) -> list[str]:
    table = page.split('class="rs-participation"')[1].split("</table>")[0]
    return [re.sub(r"<[^>]+>", "", name).strip()
            for name in re.findall(r'<th scope="row">(.*?)</th>', table)]  # fmt: skip


def test_a_long_tree_is_shown_one_level_at_a_time(client: FlaskClient, world: World) -> None:
    survey, parents, kids = _long_tree(world)
    builders.login(client, world.executive)
    base = f"/surveys/{survey.id}/results"
    top = client.get(base).get_data(as_text=True)
    assert _team_rows(top) == ["All teams"] + sorted(p.name for p in parents)
    assert "Teams page" not in top
    region = parents[1]
    first = client.get(f"{base}?team={region.id}").get_data(as_text=True)
    rows = _team_rows(first)
    assert rows[0] == region.name
    assert rows[1:] == [k.name for k in kids[region]]  # 12 sub-teams fit one page
    for parent in parents:
        if parent is not region:
            assert parent.name not in rows


def test_a_level_longer_than_a_page_is_paged(client: FlaskClient, world: World) -> None:
    o = world.organization
    teams = [builders.make_team(o, f"Branch {i:02d}") for i in range(TEAMS_PER_PAGE + 5)]
    db.session.commit()
    survey = make_survey(world.initiative, ["kotter_urgency", "recommend"])
    campaign = make_campaign(survey, {t: 6 for t in teams}, utcnow() - timedelta(days=3))
    for team in teams:
        answer(campaign, team, [{"kotter_urgency_1": 3, "recommend": 7}] * 5)
    publish(campaign)
    builders.login(client, world.executive)
    base = f"/surveys/{survey.id}/results?campaign={campaign.id}"
    one = client.get(base).get_data(as_text=True)
    two = client.get(base + "&teams_page=2").get_data(as_text=True)
    names = [t.name for t in teams]
    listed = [n for n in _team_rows(one) + _team_rows(two) if n.startswith("Branch")]
    assert listed == names  # each once, in order, across the two pages
    assert "Teams page 1 of 2" in one and "Teams page 2 of 2" in two
    assert "Next teams" in one and "Previous teams" in two
    # A page past the end shows the last one, not an empty table.
    assert "Teams page 2 of 2" in client.get(base + "&teams_page=99").get_data(as_text=True)


def _outlook(team_id: int, latest: float) -> SimpleNamespace:
    return SimpleNamespace(team_id=team_id, scope=f"Team {team_id:03d}", latest=latest,
                           higher_is_better=True)  # fmt: skip


def test_the_teams_that_matter_are_the_named_then_the_furthest_behind() -> None:
    series = [_outlook(i, latest=float((i * 37) % 100)) for i in range(1, 201)]
    named = {"Team 150", "Team 007"}
    drawn = diagnosis_service.teams_that_matter(series, named)  # type: ignore[arg-type]
    assert len(drawn) == diagnosis_service.TEAMS_SHOWN
    assert named <= {s.scope for s in drawn}
    lowest = sorted((s for s in series if s.scope not in named), key=lambda s: s.latest)
    assert {s.scope for s in drawn} - named == {s.scope for s in lowest[:4]}
    assert drawn == [s for s in series if s in drawn]  # in the table's order
    # A picked team joins them; an unknown id changes nothing.
    picked = diagnosis_service.teams_that_matter(series, named, chosen=99)  # type: ignore[arg-type]
    assert [s.team_id for s in picked if s not in drawn] == [99]
    assert diagnosis_service.teams_that_matter(series, named, 9999) == drawn  # type: ignore[arg-type]
    # Few teams: all of them.
    few = series[:4]
    assert diagnosis_service.teams_that_matter(few, set()) == few  # type: ignore[arg-type]


def test_the_dashboard_picker_adds_a_team(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    seed_demo()
    db.session.commit()
    initiative = db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == DEMO)
    ).one()
    found = diagnosis_service.diagnose(initiative)
    key = found.adoption.metric_key  # type: ignore[union-attr]
    every = found.team_series(key)
    login = client.post("/login", data={"email": DEMO_EXECUTIVE, "password": "demo-executive-1"})
    assert login.status_code == 302
    base = f"/initiatives/{initiative.id}/dashboard"
    page = client.get(base).get_data(as_text=True)
    table = page.split('id="adoption"')[1].split("</table>")[0]
    for outlook in found.teams_that_matter(key):
        assert f'<th scope="row">{outlook.scope}</th>' in table
    picked = every[-1]
    chosen = client.get(f"{base}?team={picked.team_id}").get_data(as_text=True)
    assert f'class="dash-row-chosen"><th scope="row">{picked.scope}</th>' in chosen
    assert client.get(f"{base}?team=nonsense").status_code == 404


def test_comments_come_a_page_at_a_time_in_alphabetical_order(
    client: FlaskClient, world: World
) -> None:
    survey = make_survey(world.initiative, ["kotter_urgency", "recommend", "comment"])
    campaign = make_campaign(survey, {world.team: 80}, utcnow() - timedelta(days=3))
    texts = [f"comment {i:03d}" for i in range(COMMENTS_PER_PAGE + 12)]
    answer(campaign, world.team, [{"kotter_urgency_1": 4, "recommend": 8}] * len(texts), texts)
    publish(campaign)
    builders.login(client, world.executive)
    base = f"/surveys/{survey.id}/results?campaign={campaign.id}"
    pages = [client.get(f"{base}&comments_page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    shown = [re.findall(r"<blockquote>(.*?)</blockquote>", page) for page in pages]
    assert len(shown[0]) == COMMENTS_PER_PAGE and shown[1] == sorted(texts)[COMMENTS_PER_PAGE:]
    assert shown[0] + shown[1] == sorted(texts)  # each once, alphabetical
    assert shown[2] == shown[1]  # past the end: the last page
    assert f"{len(texts)} comments" in pages[0] and "Comments page 1 of 2" in pages[0]


def test_the_headline_only_diagnosis_finds_exactly_what_the_full_one_finds(app) -> None:  # type: ignore[no-untyped-def]
    seed_demo()
    db.session.commit()
    initiative = db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == DEMO)
    ).one()
    full = diagnosis_service.diagnose(initiative)
    light = diagnosis_service.diagnose(initiative, every_team_series=False)
    assert light.findings == full.findings and light.stall_point == full.stall_point
    assert light.adoption == full.adoption and light.drivers == full.drivers
    key = full.adoption.metric_key  # type: ignore[union-attr]
    assert light.team_series(key) == full.team_series(key)
    # Only the other metrics' team series are left out.
    left_out = set(full.series) - set(light.series)
    assert left_out and all(s.team_id is not None and s.metric_key != key for s in left_out)
