"""Builders and checks for results tests: campaigns with answers, and the subtraction test.

``derivable`` is the brute-force check of tests/survey/test_anonymity.py, made
reusable: the figures one can see are the respondent counts of the shown
groups (each a set of teams); a hidden group is given away when its set of
teams is in their linear span (adding and subtracting shown figures).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from app.services import publication
from app.services.publication import PUBLISH_GRACE, frozen_tree
from app.services.responses import record_response
from app.services.surveys import latest_version
from models import Campaign, CampaignTeam, Initiative, Survey, Team, db
from models.base import utcnow

DAY = date(2026, 6, 3)


def make_campaign(
    survey: Survey, headcounts: Mapping[Team, int], opens_at: datetime | None = None
) -> Campaign:
    """A closed-or-open campaign at any moment with each team's headcount snapshot."""
    opens_at = opens_at or utcnow() - timedelta(days=3)
    campaign = Campaign(
        survey_id=survey.id,
        version_id=latest_version(survey.id).id,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=7),
        team_tree=frozen_tree(_organization_of(survey), [team.id for team in headcounts]),
    )
    db.session.add(campaign)
    db.session.flush()
    for team, headcount in headcounts.items():
        db.session.add(CampaignTeam(campaign_id=campaign.id, team_id=team.id, headcount=headcount))
    db.session.commit()
    return campaign


def _organization_of(survey: Survey) -> int:
    return db.session.get_one(Initiative, survey.initiative_id).organization_id


def publish(campaign: Campaign) -> None:
    """Close the campaign (if it is still open) and publish its results, as the tick would."""
    now = utcnow()
    if campaign.closes_at > now:
        campaign.closes_at = now - PUBLISH_GRACE
        db.session.commit()
    publication.publish(campaign.id, max(now, campaign.closes_at + PUBLISH_GRACE))
    db.session.commit()


def answer(
    campaign: Campaign,
    team: Team,
    rows: Iterable[Mapping[str, int]],
    comments: Sequence[str | None] = (),
    day: date = DAY,
) -> None:
    """One response per row, through the hot path, then commit."""
    for index, row in enumerate(rows):
        comment = comments[index] if index < len(comments) else None
        record_response(campaign.id, team.id, dict(row), comment, day)
    db.session.commit()


def subtree(team: str, parents: Mapping[str, str | None]) -> set[str]:
    members = {team}
    changed = True
    while changed:
        grown = members | {t for t, p in parents.items() if p in members}
        changed = grown != members
        members = grown
    return members


def derivable(
    target: set[str],
    visible: Sequence[set[str]],
    respondents: Mapping[str, int],
) -> bool:
    """Whether the people of ``target`` (a set of teams) follow from the visible figures."""
    answered = [t for t, n in respondents.items() if n > 0]
    if not visible or not answered:
        return False
    basis = np.array([[float(t in s) for t in answered] for s in visible])
    goal = np.array([float(t in target) for t in answered])
    coef, *_ = np.linalg.lstsq(basis.T, goal, rcond=None)
    return bool(np.allclose(basis.T @ coef, goal))


def atoms_are_safe(
    visible: Sequence[set[str]], respondents: Mapping[str, int], min_size: int
) -> bool:
    """Teams in exactly the same visible figures cannot be told apart; each such atom seen
    at all must hold nobody or at least ``min_size`` people."""
    atoms: dict[tuple[bool, ...], int] = {}
    for team, n in respondents.items():
        if n > 0:
            signature = tuple(team in s for s in visible)
            atoms[signature] = atoms.get(signature, 0) + n
    return all(not any(sig) or n >= min_size for sig, n in atoms.items())


def csv_rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


def chart_specs(html: str) -> list[dict[str, Any]]:
    """Every ``data-chart`` JSON on a page, unescaped."""
    import html as html_lib

    return [json.loads(html_lib.unescape(raw)) for raw in re.findall(r'data-chart="([^"]*)"', html)]
