"""Typed SQLAlchemy models. No HTTP, no Flask globals: only tables and their relations."""

from models.accounts import ApiToken, Invitation, LoginSession, User
from models.audit import AuditEvent
from models.base import Base, db
from models.mail import SentMail
from models.metrics import ImportMapping, Metric, Observation, SeriesOutlook
from models.organizations import Initiative, Membership, Organization, Role, Team
from models.practices import PracticeAnswer, PracticeCycle, PracticeResponse
from models.stages import (
    Action,
    ActionTeam,
    AssessmentRating,
    AssessmentRound,
    EvidenceItem,
    Stage,
    StageStatusChange,
    WorkshopParticipant,
    WorkshopSession,
    WorkshopVote,
)
from models.surveys import (
    Answer,
    AnswerTally,
    Campaign,
    CampaignTeam,
    PersonalLink,
    PublishedGroup,
    Response,
    ResponseTally,
    Survey,
    SurveyAction,
    SurveyVersion,
    TeamLink,
)

__all__ = [
    "Answer",
    "AnswerTally",
    "Campaign",
    "CampaignTeam",
    "PersonalLink",
    "PublishedGroup",
    "SeriesOutlook",
    "Response",
    "ResponseTally",
    "Survey",
    "SurveyAction",
    "SurveyVersion",
    "TeamLink",
    "Action",
    "ActionTeam",
    "SentMail",
    "ApiToken",
    "AuditEvent",
    "LoginSession",
    "AssessmentRating",
    "AssessmentRound",
    "EvidenceItem",
    "Stage",
    "StageStatusChange",
    "WorkshopParticipant",
    "WorkshopSession",
    "WorkshopVote",
    "Base",
    "ImportMapping",
    "Initiative",
    "Invitation",
    "Membership",
    "Metric",
    "Observation",
    "Organization",
    "PracticeAnswer",
    "PracticeCycle",
    "PracticeResponse",
    "Role",
    "Team",
    "User",
    "db",
]
