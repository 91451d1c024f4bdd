"""The leadership-practices 360, by question: :mod:`.cycles` (opening, closing, who
answered), :mod:`.responses` (self and observer ratings) and :mod:`.reports` (the one
report and who may read it).

The only layer that queries and commits for the feature. Scores are added up
by the database (GROUP BY behaviour and relationship); the rules that decide
what may be shown live in :mod:`survey.practice_scoring`, and every audience
(the leader's page, the consultant's pages, the JSON API, the diagnosis) gets
its figures from :func:`report_for` or :func:`team_report`.

Observer figures are published only when a cycle is closed. While it is open
every new observer changes them, and two views a submission apart would give
that observer's ratings away by subtraction (4 x mean of 4 - 3 x mean of 3),
however well each single view is pooled; likewise the relationship counts
would say which group the newest observer is in. So observer rows of an open
cycle are never read (:func:`.reports.aggregates` joins closed cycles only), an open
cycle says only how many observers answered (:func:`.cycles.participation`), and a
closed cycle stays closed and takes no more answers, so what was published
never changes.
"""

from app.services.practices.cycles import (
    SELF,
    Participation,
    close_cycle,
    cycle_for_code,
    cycles_of,
    executives_of,
    get_cycle,
    is_executive,
    latest_cycles,
    min_observers,
    open_cycle,
    participation,
)
from app.services.practices.reports import (
    LeaderReport,
    OpenCycle,
    TeamReport,
    aggregates,
    may_see_report,
    published_cycle,
    report_for,
    shows_manager_rating,
    team_report,
    visible_cycles_of_leader,
)
from app.services.practices.responses import (
    CLOSED_MESSAGE,
    check_answers,
    save_observer_response,
    save_self_response,
    self_answers,
)

__all__ = [
    "CLOSED_MESSAGE",
    "SELF",
    "LeaderReport",
    "OpenCycle",
    "Participation",
    "TeamReport",
    "aggregates",
    "check_answers",
    "close_cycle",
    "cycle_for_code",
    "cycles_of",
    "executives_of",
    "get_cycle",
    "is_executive",
    "latest_cycles",
    "may_see_report",
    "min_observers",
    "open_cycle",
    "participation",
    "published_cycle",
    "report_for",
    "save_observer_response",
    "save_self_response",
    "self_answers",
    "shows_manager_rating",
    "team_report",
    "visible_cycles_of_leader",
]
