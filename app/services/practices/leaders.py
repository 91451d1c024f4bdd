"""Leaders and their teams: the leaders' 360 practice scores against their teams' pulse and
adoption, for the consultant's page (``insights.leaders`` does the statistics).

Every figure comes through the rules of its own page: practice scores from
:func:`.reports.team_report` (latest closed 360 per leader, observers only,
shown only with ``STEPWISE_MIN_OBSERVERS``), the pulse from the diagnosis's
newest published campaign (shown team groups only), adoption from the
diagnosis's usage series (folded by the small-team rule). What leaves here is
correlations and counts, never one leader's scores.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select

from app.services.diagnosis.pulse_inputs import newest_pulse
from app.services.diagnosis.usage import active_teams, usage_series
from app.services.practices.cycles import min_observers
from app.services.practices.reports import team_report
from app.services.results import CampaignInfo, min_group_size
from insights.adoption import ADOPTION_RATE
from insights.leaders import (
    ADOPTION,
    LEADERS_MIN,
    PULSE,
    LeaderAssociations,
    LeaderInput,
    TeamOutcome,
    associations,
    pulse_score,
)
from models import Initiative, Team, db
from survey.instruments import DIMENSIONS_BY_KEY
from survey.practices import PRACTICES

# Dimensions on the 1-5 agreement scale that make up the pulse score.
_NOT_SCORED = frozenset({"recommend", "comment"})


@dataclass(frozen=True)
class LeadersView:
    """The associations and the counts around them; no leader's own figures."""

    result: LeaderAssociations
    teams: int  # active teams
    without_leader: int  # active teams with no leader named
    named_leaders: int  # people named as the leader of an active team
    with_scores: int  # of those, with observer figures from a closed 360 of the initiative
    campaign: CampaignInfo | None  # the pulse campaign the team figures come from
    min_observers: int
    min_leaders: int = LEADERS_MIN


def _team_pulse(initiative: Initiative) -> tuple[dict[int, float], CampaignInfo | None]:
    """Team id -> pulse score, shown team groups of the newest published campaign only."""
    pulse = newest_pulse(initiative)
    if pulse is None:
        return {}, None
    scores: dict[int, float] = {}
    for group in pulse.team_groups:
        if group.team_id is None or group.suppressed or group.responses is None:
            continue
        score = pulse_score(
            [
                (d.mean, known.higher_is_better)
                for d in group.dimensions
                if (known := DIMENSIONS_BY_KEY.get(d.key)) is not None
                and known.family not in _NOT_SCORED
            ]
        )
        if score is not None:
            scores[group.team_id] = score
    return scores, pulse.campaign


def _team_adoption(initiative: Initiative, teams: dict[int, tuple[str, int]]) -> dict[int, float]:
    """Team id -> latest adoption rate, after the small-team rule folded the small teams."""
    series, _ = usage_series(initiative, teams, min_group_size(), every_team_series=False)
    return {
        s.team_id: s.latest
        for s in series
        if s.metric_key == ADOPTION_RATE and s.team_id is not None and s.values
    }


def leaders_view(initiative: Initiative) -> LeadersView:
    """Each practice against the pulse score and the adoption rate of the leaders' teams."""
    observers = min_observers()
    rows = db.session.execute(
        select(Team.id, Team.headcount, Team.leader_id).where(
            Team.organization_id == initiative.organization_id, Team.archived_at.is_(None)
        )
    ).all()
    led: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for team_id, headcount, leader_id in rows:
        if leader_id is not None:
            led[leader_id].append((team_id, headcount))
    scores = {
        row.leader.id: {p.practice.key: p.observers for p in row.report.practices}
        for row in team_report(initiative, observers).leaders
        if row.report.observers_shown and all(p.observers is not None for p in row.report.practices)
    }
    pulse, campaign = _team_pulse(initiative)
    adoption = _team_adoption(initiative, active_teams(initiative)) if led else {}
    inputs = []
    for leader_id, teams in led.items():
        practices = scores.get(leader_id)
        if practices is None:
            continue
        outcomes = [
            TeamOutcome(
                headcount,
                {
                    key: value
                    for key, value in ((PULSE, pulse.get(t)), (ADOPTION, adoption.get(t)))
                    if value is not None
                },
            )
            for t, headcount in teams
        ]
        inputs.append(LeaderInput({k: v for k, v in practices.items() if v is not None}, outcomes))
    names = {practice.key: str(gettext(practice.name)) for practice in PRACTICES}  # as shown
    return LeadersView(
        result=associations(inputs, names),
        teams=len(rows),
        without_leader=sum(1 for _, _, leader_id in rows if leader_id is None),
        named_leaders=len(led),
        with_scores=len(inputs),
        campaign=campaign,
        min_observers=observers,
    )
