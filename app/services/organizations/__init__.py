"""Organisations, split by question: which clients exist (``clients``), their initiatives
(``initiatives``), their team tree (``teams``), removing and restoring teams (``removal``),
pasted team lists (``team_import``) and their members (``members``).

Everything other code uses is re-exported here, so ``organizations.teams_of`` keeps working.
"""

from __future__ import annotations

from app.services.organizations.clients import (
    create_organization,
    initiative_counts,
    open_organization,
    organization_by_name,
)
from app.services.organizations.initiatives import (
    InitiativeFields,
    check_initiative,
    initiative_name_taken,
    initiatives_of,
    save_initiative,
)
from app.services.organizations.members import (
    invite_member,
    is_member,
    members_of,
    remove_member,
)
from app.services.organizations.removal import (
    CHOOSE_SUB_TEAMS,
    HISTORY_TABLES,
    Fate,
    Removal,
    RemovalPlan,
    SubTeams,
    removal_plan,
    remove_team,
    restore_team,
    teams_with_history,
)
from app.services.organizations.team_import import (
    LineError,
    TeamLine,
    import_teams,
    parse_team_lines,
)
from app.services.organizations.teams import (
    CHOOSE_LEADER,
    MAX_HEADCOUNT,
    active_teams_query,
    archived_name_message,
    archived_teams_of,
    save_team,
    team_by_name,
    team_names,
    teams_of,
    would_make_cycle,
)

__all__ = [
    "CHOOSE_LEADER",
    "CHOOSE_SUB_TEAMS",
    "HISTORY_TABLES",
    "MAX_HEADCOUNT",
    "Fate",
    "InitiativeFields",
    "LineError",
    "Removal",
    "RemovalPlan",
    "SubTeams",
    "TeamLine",
    "active_teams_query",
    "archived_name_message",
    "archived_teams_of",
    "check_initiative",
    "create_organization",
    "import_teams",
    "initiative_counts",
    "initiative_name_taken",
    "initiatives_of",
    "invite_member",
    "is_member",
    "members_of",
    "open_organization",
    "organization_by_name",
    "parse_team_lines",
    "remove_member",
    "remove_team",
    "removal_plan",
    "restore_team",
    "save_initiative",
    "save_team",
    "team_by_name",
    "team_names",
    "teams_of",
    "teams_with_history",
    "would_make_cycle",
]
