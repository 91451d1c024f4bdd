"""Pulse surveys: versioned instruments, campaigns, links, anonymous responses and tallies.

Answers stay narrow (response, item, value). ``AnswerTally`` and
``ResponseTally`` hold exact counts per campaign, team, item and value,
maintained in the same transaction as each submission, so results for any
number of campaigns read a few hundred tally rows instead of every answer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime


class Survey(TimestampMixin, Base):
    """A pulse survey of an initiative; its questions live in versions."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    intro: Mapped[str] = mapped_column(Text, default="")
    # "every N days": the tick creates the next campaign when one closes.
    recurrence_days: Mapped[int | None]
    # How long each recurring campaign stays open.
    campaign_days: Mapped[int] = mapped_column(default=7)
    # Reminders to unused personal links: the first this many days after a campaign
    # opens, then again every as many days, at most ``reminder_limit`` (0: none).
    reminder_after_days: Mapped[int] = mapped_column(default=3, server_default="3")
    reminder_limit: Mapped[int] = mapped_column(default=1, server_default="1")
    # Staff pages speak this when neither the device nor the browser chooses one of
    # the survey's languages; custom items must have a text in it.
    default_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number"
    )


class SurveyVersion(TimestampMixin, Base):
    """A frozen copy of a survey's items; campaigns point at the version they asked.

    ``items`` is a list of {key, dimension, text, scale, reverse, required}
    snapshotted from the instrument library, so editing a survey or the
    library never changes how past answers are scored.
    """

    __tablename__ = "survey_version"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    number: Mapped[int]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    survey: Mapped[Survey] = relationship(back_populates="versions")


class Campaign(TimestampMixin, Base):
    """One run of a survey version for some teams, between two moments."""

    __tablename__ = "campaign"
    __table_args__ = (Index("ix_campaign_survey_opens", "survey_id", "opens_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set by the tick once it has created the follow-up campaign of a recurrence.
    followed_up: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The team tree as it was when the campaign was created: every asked team
    # and its ancestors as [id, parent_id, name]. Results are planned over this
    # tree, so moving, renaming or archiving teams later never changes them.
    team_tree: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    # Set once the results are computed and stored (``PublishedGroup``); no
    # figure of the campaign is shown anywhere before.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    version: Mapped[SurveyVersion] = relationship()


class CampaignTeam(Base):
    """A team asked in a campaign, with its headcount then (for response rates)."""

    __tablename__ = "campaign_team"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    headcount: Mapped[int] = mapped_column(default=0)


class PublishedGroup(Base):
    """One group's published figures for a closed campaign, computed once and never changed.

    ``team_id`` None is the whole organisation. A hidden group keeps only why
    it is hidden: no count, no score. Team ids, names and parents are those of
    the campaign's frozen tree, so later changes to teams do not reach here.
    """

    __tablename__ = "published_group"
    __table_args__ = (Index("ix_published_group_campaign", "campaign_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    team_id: Mapped[int | None]
    parent_id: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(120))
    depth: Mapped[int]
    headcount: Mapped[int]
    status: Mapped[str] = mapped_column(String(12))
    responses: Mapped[int | None]
    enps: Mapped[float | None] = mapped_column(Float)
    comments_shown: Mapped[bool] = mapped_column(default=False)
    # [[dimension key, mean, % favourable], ...] in the campaign's asking order
    dimensions: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    # The organisation-wide group's Cronbach's alphas, computed once when published:
    # [[dimension key, items, complete respondents, alpha or null], ...]; None: not stored.
    alphas: Mapped[list[list[Any]] | None] = mapped_column(JSON, nullable=True)
    # Its ADKAR barrier points, likewise: [[element or "none", respondents], ...]; None: not stored.
    adkar: Mapped[list[list[Any]] | None] = mapped_column(JSON, nullable=True)
    # Responses per language, stored when published, only as the anonymity rule
    # allows: [[language or "other", responses], ...]; None: not stored or not shown.
    languages: Mapped[list[list[Any]] | None] = mapped_column(JSON, nullable=True)


class TeamLink(TimestampMixin, Base):
    """A survey's link for one team; it always opens the team's current campaign."""

    __tablename__ = "team_link"
    __table_args__ = (UniqueConstraint("survey_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), unique=True)


class PersonalLink(TimestampMixin, Base):
    """A one-use link for one person in one campaign.

    It is marked used when an answer arrives, but the answer never points back
    to it: response rates are exact while answers stay anonymous.
    """

    __tablename__ = "personal_link"
    __table_args__ = (UniqueConstraint("campaign_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    used_on: Mapped[date | None]
    # Reminders sent to this link while unused; never tied to an answer.
    reminders_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Response(Base):
    """One anonymous submission: its team, its day (never the time) and an optional comment."""

    __tablename__ = "response"
    __table_args__ = (Index("ix_response_campaign_team", "campaign_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    submitted_on: Mapped[date]
    comment: Mapped[str | None] = mapped_column(Text)
    # The language the pulse was answered in (None: before languages were recorded).
    # Never shown per response: only counted per published group, where allowed.
    language: Mapped[str | None] = mapped_column(String(8))


class Answer(Base):
    """One item's value in one response (narrow by design)."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(40))
    value: Mapped[int]


class ResponseTally(Base):
    """Exact number of responses per campaign and team, kept as answers arrive."""

    __tablename__ = "response_tally"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    responses: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)


class AnswerTally(Base):
    """Exact count of each value of each item per campaign and team."""

    __tablename__ = "answer_tally"
    __table_args__ = (CheckConstraint("n >= 0", name="n_not_negative"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    item_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class SurveyAction(TimestampMixin, Base):
    """ "You said, we did": what leaders did about a result, shown to the team's staff."""

    __tablename__ = "survey_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"))
    dimension_key: Mapped[str | None] = mapped_column(String(40))
    you_said: Mapped[str] = mapped_column(String(300))
    we_did: Mapped[str] = mapped_column(Text)
    # The day it was done: the "after" of its effect starts here (its teams: ``team_id``,
    # or every team when none).
    done_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
