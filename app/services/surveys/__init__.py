"""Pulse surveys, the collection side, by question.

- ``timing``: when a campaign is open, how long a pulse takes;
- ``instruments``: building surveys into numbered versions;
- ``overview``: the list of an initiative's surveys and campaigns;
- ``campaigns``: scheduling, closing and cancelling campaigns, their teams;
- ``links``: team links, personal links and their upload;
- ``recurrence``: the tick that creates repeating campaigns.

The names other code uses are importable from here.
"""

from app.services.surveys.campaigns import (
    MAX_CAMPAIGN_DAYS,
    MAX_REPEAT_DAYS,
    CampaignTeamRow,
    Schedule,
    campaign_teams,
    cancel_campaign,
    close_campaign,
    get_campaign,
    schedule_campaign,
    stop_repeating,
)
from app.services.surveys.instruments import (
    MAX_CUSTOM_ITEMS,
    MAX_INTRO,
    MAX_REMINDER_AFTER_DAYS,
    MAX_REMINDERS,
    MAX_TITLE,
    Choice,
    CustomItem,
    Reminders,
    choice_of,
    create_survey,
    fallbacks_of,
    get_survey,
    latest_version,
    scored_items,
    update_survey,
)
from app.services.surveys.links import (
    MAX_PERSONAL_LINKS,
    LinkImport,
    import_personal_links,
    new_code,
    team_links,
    unused_links_csv,
)
from app.services.surveys.overview import CampaignRow, SurveyRow, surveys_of
from app.services.surveys.recurrence import FollowUp, tick
from app.services.surveys.timing import (
    PROMISED_MINUTES,
    SECONDS_PER_STATEMENT,
    Status,
    day_start,
    last_day_of,
    minutes_for,
    status_of,
)

__all__ = [
    "MAX_CAMPAIGN_DAYS",
    "MAX_CUSTOM_ITEMS",
    "MAX_INTRO",
    "MAX_PERSONAL_LINKS",
    "MAX_REMINDERS",
    "MAX_REMINDER_AFTER_DAYS",
    "MAX_REPEAT_DAYS",
    "MAX_TITLE",
    "PROMISED_MINUTES",
    "SECONDS_PER_STATEMENT",
    "CampaignRow",
    "CampaignTeamRow",
    "Choice",
    "CustomItem",
    "FollowUp",
    "LinkImport",
    "Reminders",
    "Schedule",
    "Status",
    "SurveyRow",
    "campaign_teams",
    "cancel_campaign",
    "choice_of",
    "close_campaign",
    "create_survey",
    "fallbacks_of",
    "day_start",
    "get_campaign",
    "get_survey",
    "import_personal_links",
    "last_day_of",
    "latest_version",
    "minutes_for",
    "new_code",
    "schedule_campaign",
    "scored_items",
    "status_of",
    "stop_repeating",
    "surveys_of",
    "team_links",
    "tick",
    "unused_links_csv",
    "update_survey",
]
