"""An open pulse for the world's team, as fixtures: import them into a test module."""

from __future__ import annotations

import pytest

from models import Campaign, Survey
from tests.builders import make_campaign, make_survey, team_code
from tests.conftest import World

# A short pulse: two agreement statements, the 0-10 question and the comment.
DIMENSIONS = ["resistance_unknown", "recommend", "comment"]


@pytest.fixture
def survey(world: World) -> Survey:
    return make_survey(world.initiative, DIMENSIONS)


@pytest.fixture
def campaign(survey: Survey, world: World) -> Campaign:
    return make_campaign(survey, [world.team])


@pytest.fixture
def code(survey: Survey, world: World, campaign: Campaign) -> str:
    return team_code(survey, world.team)
