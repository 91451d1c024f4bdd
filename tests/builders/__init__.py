"""Data builders with sensible defaults; each test overrides only what it is about."""

from tests.builders.people import (
    PASSWORD,
    api_headers,
    invitation_path,
    login,
    make_initiative,
    make_organization,
    make_practice_cycle,
    make_team,
    make_user,
)
from tests.builders.pulse import (
    DAY,
    answer,
    make_campaign,
    make_personal_link,
    make_survey,
    publish,
    team_code,
)

__all__ = [
    "DAY",
    "PASSWORD",
    "answer",
    "api_headers",
    "invitation_path",
    "login",
    "make_campaign",
    "make_initiative",
    "make_organization",
    "make_personal_link",
    "make_practice_cycle",
    "make_survey",
    "make_team",
    "make_user",
    "publish",
    "team_code",
]
