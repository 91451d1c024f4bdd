"""The published team means that "Did it work?" reads are decoded once, and never stale."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.services.results.team_means import published_team_means
from models import Campaign, PublishedGroup, Team, db
from models.base import utcnow
from tests import builders
from tests.builders.pulse import answer, make_campaign, make_survey, publish
from tests.conftest import World

KEY = "kotter_empower"


def _campaign(world: World, teams: list[Team], score: int, weeks_ago: int) -> Campaign:
    survey = make_survey(world.initiative, [KEY], title=f"Pulse {weeks_ago}")
    opens = utcnow() - timedelta(weeks=weeks_ago)
    campaign = make_campaign(survey, teams, opens_at=opens, closes_at=opens + timedelta(days=7))
    for team in teams:
        answer(campaign, team, [{"kotter_empower_1": score}] * 6)
    publish(campaign)
    return campaign


def test_a_campaign_published_later_is_read_and_earlier_ones_keep_their_means(
    world: World,
) -> None:
    teams = [builders.make_team(world.organization, f"Team {n}", headcount=8) for n in "AB"]
    first = _campaign(world, teams, 2, weeks_ago=6)
    [only] = published_team_means(world.initiative.id)
    assert only.by_dimension[KEY] == {teams[0].id: 2.0, teams[1].id: 2.0}

    _campaign(world, teams, 4, weeks_ago=2)
    older, newer = published_team_means(world.initiative.id)
    assert older.by_dimension[KEY][teams[0].id] == 2.0
    assert newer.by_dimension[KEY][teams[0].id] == 4.0
    assert older.closes_on == first.closes_at.date() < newer.closes_on


def test_a_campaign_published_again_under_the_same_id_is_read_again(world: World) -> None:
    """SQLite reuses the id of a deleted campaign; the publication time tells them apart."""
    teams = [builders.make_team(world.organization, f"Team {n}", headcount=8) for n in "AB"]
    campaign = _campaign(world, teams, 2, weeks_ago=6)
    assert published_team_means(world.initiative.id)[0].by_dimension[KEY][teams[0].id] == 2.0

    group = db.session.query(PublishedGroup).filter_by(campaign_id=campaign.id, team_id=teams[0].id)
    row = group.one()
    row.dimensions = [[KEY, 4.5, 100.0]]
    db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(published_at=utcnow() + timedelta(seconds=1))
    )
    db.session.commit()
    assert published_team_means(world.initiative.id)[0].by_dimension[KEY][teams[0].id] == 4.5


def test_hidden_groups_are_not_read(world: World) -> None:
    shown = [builders.make_team(world.organization, f"Shown {n}", headcount=8) for n in "ABC"]
    small = builders.make_team(world.organization, "Small", headcount=8)
    survey = make_survey(world.initiative, [KEY])
    campaign = make_campaign(survey, [*shown, small])
    for team in shown:
        answer(campaign, team, [{"kotter_empower_1": 3}] * 6)
    answer(campaign, small, [{"kotter_empower_1": 5}] * 2)
    publish(campaign)
    [means] = published_team_means(world.initiative.id)
    read = means.by_dimension[KEY]
    assert small.id not in read and 5.0 not in read.values()
    assert set(read) <= {team.id for team in shown} and read
