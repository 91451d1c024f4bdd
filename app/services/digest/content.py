"""What one Monday digest says about one initiative, in the dashboard's own words.

Everything here is read off the :class:`~app.services.diagnosis.Diagnosis` that the
dashboard page (``/initiatives/<id>/dashboard``) renders, with the same choice of
fields: the stall point and its health, the top three findings in plain words led by
their period and n (``Finding.executive``), the whole initiative's adoption against
its target with the projection, and the overdue actions. That page is the same for an
executive and a consultant (the consultant view is a separate page), so the digest is
too, and a pulse figure hidden by the anonymity plan is no more in the digest than on
the page: the diagnosis never holds it. Comments and answer texts are never read.

"Actions whose effect is now known" come from ``app.services.effects`` (the action
pages and the dashboard's "Did it work?" read the same): the actions done in the
dashboard's span (``RECENT_DAYS``) with at least one measure in a known state (better,
worse, or no effect distinguishable from noise), each with every measure's sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from app.services.diagnosis import Diagnosis, Outlook
from app.services.diagnosis.shapes import health_band
from app.services.effect_readings import ActionEffect
from app.services.effects import RECENT_DAYS, effects_for_initiative
from app.templating import format_date, format_number
from insights.adoption.badges import target_badge
from insights.translation import ngettext
from models import Initiative
from survey.languages import N_

# The dashboard's words, translated when a digest is built (``_(BAND_WORDS[band])``).
BAND_WORDS = {"good": N_("holding"), "fair": N_("shaky"), "weak": N_("weak")}
SEVERITY_WORDS = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
# Known effects listed in one digest, newest first; the rest are on the actions page.
MOST_EFFECTS = 5


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class StallPoint:
    position: int
    name: str
    short: str
    health: float
    band: str  # holding | shaky | weak: the dashboard's words beside its colours
    link: Link

    @property
    def headline(self) -> str:
        return str(
            _("Stalled at step %(position)s: %(name)s", position=self.position, name=self.name)
        )

    @property
    def health_words(self) -> str:
        return str(
            _(
                "Health %(health)s of 100 (%(band)s) while later steps are already under way.",
                health=format_number(self.health, 0),
                band=self.band,
            )
        )


@dataclass(frozen=True)
class FindingLine:
    number: int
    severity: str
    title: str
    evidence: str  # the executive's words: period and n first
    teams: tuple[str, ...]
    suggestion: str
    link: Link


@dataclass(frozen=True)
class Adoption:
    metric: str
    latest: str
    target: str | None
    target_date: date | None
    week_of: date
    badge: str
    outlook: str  # the dashboard's "Against target": reached, on track by a date, behind...
    link: Link

    @property
    def headline(self) -> str:
        words = {
            "metric": self.metric,
            "latest": self.latest,
            "target": self.target,
            "by": format_date(self.target_date),
            "week": format_date(self.week_of),
            "badge": self.badge,
        }
        if self.target is None:
            return str(_("%(metric)s: %(latest)s, week of %(week)s (%(badge)s)", **words))
        if self.target_date is None:
            return str(
                _(
                    "%(metric)s: %(latest)s against a target of %(target)s, week of %(week)s "
                    "(%(badge)s)",
                    **words,
                )
            )
        return str(
            _(
                "%(metric)s: %(latest)s against a target of %(target)s by %(by)s, week of %(week)s "
                "(%(badge)s)",
                **words,
            )
        )


@dataclass(frozen=True)
class OverdueLine:
    title: str
    step: str
    owner: str
    due: date
    days: int
    link: Link

    @property
    def words(self) -> str:
        late = ngettext("%(num)s day late", "%(num)s days late", self.days)
        return str(
            _(
                "%(step)s · %(owner)s · due %(date)s, %(late)s",
                step=self.step,
                owner=self.owner,
                date=format_date(self.due),
                late=late,
            )
        )


@dataclass(frozen=True)
class EffectLines:
    title: str
    done_on: date
    teams: str
    lines: tuple[str, ...]  # one plain sentence per measure
    link: Link


@dataclass(frozen=True)
class Digest:
    """One initiative's week, ready for either part of the message."""

    organization: str
    initiative: str
    initiative_id: int
    organization_id: int
    today: date
    dashboard: Link
    stall: StallPoint | None
    no_stall: str
    findings: tuple[FindingLine, ...]
    more_findings: int
    adoption: Adoption | None
    overdue: tuple[OverdueLine, ...]
    all_overdue: Link
    effects: tuple[EffectLines, ...]
    more_effects: int
    all_actions: Link
    account: Link

    @property
    def week(self) -> tuple[int, int]:
        year, week, _ = self.today.isocalendar()
        return year, week

    @property
    def week_label(self) -> str:
        return f"{self.week[0]}-W{self.week[1]:02d}"

    @property
    def has_news(self) -> bool:
        """False: nothing to say (no stall, finding, adoption figure, overdue or known effect)."""
        return bool(self.stall or self.findings or self.adoption or self.overdue or self.effects)

    @property
    def subject(self) -> str:
        week = self.week[1]
        if self.stall:
            return str(
                _(
                    "Stepwise — %(initiative)s, week %(week)s: stalled at %(step)s",
                    initiative=self.initiative,
                    week=week,
                    step=self.stall.short,
                )
            )
        return str(
            _(
                "Stepwise — %(initiative)s, week %(week)s: no step is holding it back",
                initiative=self.initiative,
                week=week,
            )
        )


class Links:
    """Absolute links into the app: ``STEPWISE_BASE_URL`` and the path the route builds."""

    def __init__(self) -> None:
        self.base: str = current_app.config["STEPWISE_BASE_URL"]
        self._adapter = current_app.url_map.bind("localhost")

    def url(self, endpoint: str, anchor: str | None = None, **values: Any) -> str:
        path = self._adapter.build(endpoint, values)
        return self.base + path + (f"#{anchor}" if anchor else "")

    def path(self, path: str) -> str:
        return self.base + path


def build(
    initiative: Initiative, found: Diagnosis, effects: Sequence[ActionEffect], links: Links
) -> Digest:
    """The digest of ``initiative`` from the dashboard's diagnosis and the known effects."""
    dash = links.url("dashboard.dashboard", initiative_id=initiative.id)
    stalled = found.stalled_step
    stall = None
    if stalled is not None:
        stall = StallPoint(
            stalled.step.position, stalled.step.shown_name, stalled.step.shown_short,
            stalled.health,
            _(BAND_WORDS[health_band(stalled.health)]),
            Link(_("See the eight steps"), links.url(
                "dashboard.dashboard", "steps", initiative_id=initiative.id
            )),
        )  # fmt: skip
    findings = tuple(
        FindingLine(
            number, _(SEVERITY_WORDS[f.severity]) if f.severity in SEVERITY_WORDS else f.severity,
            f.title, f.executive, f.teams, f.suggestion,
            Link(_("See finding %(number)s on the dashboard", number=number), links.url(
                "dashboard.dashboard", f"finding-{number}", initiative_id=initiative.id
            )),
        )
        for number, f in enumerate(found.top, start=1)
    )  # fmt: skip
    known = [effect for effect in effects if effect.known]
    return Digest(
        organization=initiative.organization.name,
        initiative=initiative.name,
        initiative_id=initiative.id,
        organization_id=initiative.organization_id,
        today=found.today,
        dashboard=Link(_("Open the dashboard"), dash),
        stall=stall,
        no_stall=_("No step is holding the rollout back yet."),
        findings=findings,
        more_findings=max(len(found.findings) - len(findings), 0),
        adoption=_adoption(found, initiative, links),
        overdue=tuple(
            OverdueLine(
                action.title,
                _(
                    "%(position)s. %(name)s",
                    position=action.step.position,
                    name=action.step.shown_short,
                ),
                action.owner or _("no owner"),
                action.due_date,
                action.days_overdue,
                Link(action.title, links.url("stages.edit_action", action_id=action.id)),
            )
            for action in found.overdue
        ),
        all_overdue=Link(
            _("All overdue actions"),
            links.url("stages.actions", initiative_id=initiative.id, status="overdue"),
        ),
        effects=tuple(_effect(effect, links) for effect in known[:MOST_EFFECTS]),
        more_effects=max(len(known) - MOST_EFFECTS, 0),
        all_actions=Link(
            _("All actions"), links.url("stages.actions", initiative_id=initiative.id)
        ),
        account=Link(_("your account page"), links.url("auth.account", "digest-heading")),
    )


def _adoption(found: Diagnosis, initiative: Initiative, links: Links) -> Adoption | None:
    outlook: Outlook | None = found.adoption
    if outlook is None:
        return None
    badge = target_badge(
        outlook.latest, outlook.target, higher_is_better=outlook.higher_is_better,
        unit=outlook.unit, trend=outlook.trend.label, weeks=outlook.trend.periods,
    )  # fmt: skip
    return Adoption(
        metric=outlook.metric_name,
        latest=_value(outlook.latest, outlook.unit),
        target=None if outlook.target is None else _value(outlook.target, outlook.unit),
        target_date=outlook.target_date,
        week_of=outlook.latest_period,
        badge=badge.text,
        outlook=_("no target set") if outlook.target is None else outlook.target_words(found.today),
        link=Link(
            _("Adoption against target"),
            links.url("dashboard.dashboard", "adoption", initiative_id=initiative.id),
        ),
    )


def _effect(effect: ActionEffect, links: Links) -> EffectLines:
    return EffectLines(
        title=effect.title,
        done_on=effect.done_on,
        teams=effect.teams,
        lines=tuple(_line(line.measure, line.words) for line in effect.lines),
        link=Link(effect.title, links.path(effect.path)),
    )


def _line(measure: str, words: str) -> str:
    """The sentence, led by its measure when it does not name it ("Too early to tell...")."""
    return words if measure in words else _("%(measure)s: %(words)s", measure=measure, words=words)


def _value(value: float, unit: str) -> str:
    """A figure with its unit, as the dashboard shows it: "62%", "3.4 logins"."""
    if unit == "%":
        return f"{format_number(value, 0)}%"
    return f"{format_number(value, 1)} {unit}".strip()


def known_effects(initiative: Initiative, today: date) -> list[ActionEffect]:
    """Actions done in the dashboard's recent span whose effect is now known, newest first."""
    since = today - timedelta(days=RECENT_DAYS)
    return [e for e in effects_for_initiative(initiative, today) if e.known and e.done_on >= since]
