"""Where is the rollout stalling, and why: the one diagnosis behind every audience.

``diagnose`` gathers plain inputs from the step tracker, the leaders' latest
assessment round, the newest pulse campaign, the adoption metrics and the
actions, and hands them to the pure rules in :mod:`insights.diagnosis` and
:mod:`insights.trends`. The executive dashboard, the consultant view, the
one-page summary, the CSV/XLSX exports and the JSON API all read the
:class:`Diagnosis` it returns; each audience only chooses which fields it
shows, so a figure hidden in one place is hidden everywhere.

Anonymity: pulse figures come from ``survey_results``, so a team the plan
hides has no figures here at all. Per-team adoption follows the small-team
rule of the metric pages and the API (``survey.anonymity.fold_teams``): a
team smaller than the threshold counts in a shown parent or the whole only,
so nobody can read off which of three colleagues does not use the CRM.

By question: :mod:`.shapes` (what a diagnosis holds), :mod:`.pulse_inputs`
and :mod:`.usage` (reading its inputs), :mod:`.assemble` (``diagnose``).

Queries: a fixed number whatever the number of teams, metrics or campaigns
(the tracker overview, two for the metrics, one survey's results, Cronbach's
alpha for the newest campaign, the leadership team's 360 and the overdue
actions).
"""

from app.services.diagnosis.assemble import diagnose
from app.services.diagnosis.shapes import (
    HEALTHY,
    TEAM_ROWS,
    TEAMS_SHOWN,
    TOP_FINDINGS,
    Diagnosis,
    Outlook,
    OverdueAction,
    Pulse,
    StepHealth,
    health_band,
    teams_that_matter,
)

__all__ = [
    "HEALTHY",
    "TEAMS_SHOWN",
    "TEAM_ROWS",
    "TOP_FINDINGS",
    "Diagnosis",
    "Outlook",
    "OverdueAction",
    "Pulse",
    "StepHealth",
    "diagnose",
    "health_band",
    "teams_that_matter",
]
