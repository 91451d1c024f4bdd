"""No export hands a spreadsheet a formula: team names and comments come out as text."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from tests import builders
from tests.builders.pulse import answer, make_campaign, make_survey, publish
from tests.conftest import World

# What spreadsheets run: a leading =, +, -, @, tab or carriage return.
HOSTILE = ['=HYPERLINK("http://x.example")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("export", ["results.csv", "answers.csv"])
def test_pulse_exports_neutralise_formula_cells(
    client: FlaskClient, world: World, export: str
) -> None:
    team = builders.make_team(world.organization, "=cmd|' /C calc'!A0")
    survey = make_survey(world.initiative, ["kotter_urgency", "recommend", "comment"])
    campaign = make_campaign(survey, {team: 20})
    rows = [{"kotter_urgency_1": 4, "recommend": 9}] * 12
    answer(campaign, team, rows, [*HOSTILE, *(f"plain {i}" for i in range(6))])
    publish(campaign)
    builders.login(client, world.consultant)
    response = client.get(f"/surveys/{survey.id}/{export}")
    assert response.status_code == 200
    cells = [
        cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row
    ]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    shown = set(cells)
    assert "'=cmd|' /C calc'!A0" in shown  # the team, as text
    if export == "answers.csv":
        # Every comment, as text; a leading tab or return is trimmed when it is stored.
        assert {"'" + text for text in HOSTILE if not text[0].isspace()} <= shown
        assert {"TAB", "CR"} <= shown
