"""Rules about the Kotter steps of one initiative: rating summaries and skipped-step warnings.

Plain data in, plain data out; tested without Flask or a database.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from insights.kotter import STEPS_BY_KEY
from insights.translation import _, number
from survey.languages import N_

# Leaders who are two or more points apart on a 1-5 step rating see the step
# differently enough that the disagreement itself is worth a conversation.
DISAGREEMENT_SPREAD = 2
# A step rated below the scale midpoint is not solidly done.
WEAK_MEAN = 3.0

RATING_MIN, RATING_MAX = 1, 5
# The one question leaders answer per step, in rounds and in live workshops. The labels
# here are marked with ``N_`` for the catalogues and translated where a page shows them.
RATING_QUESTION = N_("How solidly is this done in our rollout?")
RATING_LABELS = {
    1: N_("not at all"),
    2: N_("a little"),
    3: N_("partly"),
    4: N_("mostly"),
    5: N_("fully"),
}

STATUSES = ("not_started", "in_progress", "done")
STATUS_LABELS = {
    "not_started": N_("not started"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
}

# Why skipping each step hurts what comes after it (Kotter's eight errors).
SKIP_CONSEQUENCE = {
    "urgency": N_("without a felt need to change, people drift back to the old ways"),
    "coalition": N_("without a guiding coalition, nobody has the authority to clear the way"),
    "vision": N_("without a shared vision, effort scatters and early results rarely last"),
    "communicate": N_("a vision the staff have not heard changes nothing they do"),
    "empower": N_("obstacles left in place stall everything built on top of them"),
    "wins": N_("without early wins, the sceptics gain ground"),
    "consolidate": N_("declaring victory too soon lets the old habits return"),
    "anchor": N_("a change not anchored in the culture fades when its champions move on"),
}


@dataclass(frozen=True)
class RatingSummary:
    """The leaders' ratings of one step in one round."""

    n: int
    mean: float | None
    minimum: int | None
    maximum: int | None
    sd: float | None

    @property
    def spread(self) -> int | None:
        if self.minimum is None or self.maximum is None:
            return None
        return self.maximum - self.minimum

    @property
    def disagreement(self) -> bool:
        """True when the leaders are far enough apart to discuss the step."""
        return self.n >= 2 and (self.spread or 0) >= DISAGREEMENT_SPREAD


def summarize_ratings(scores: Iterable[int]) -> RatingSummary:
    """Mean, range and sample standard deviation (None below two ratings)."""
    values = list(scores)
    for value in values:
        if not RATING_MIN <= value <= RATING_MAX:
            raise ValueError(f"rating {value} is outside {RATING_MIN}-{RATING_MAX}")
    if not values:
        return RatingSummary(0, None, None, None, None)
    return RatingSummary(
        n=len(values),
        mean=statistics.fmean(values),
        minimum=min(values),
        maximum=max(values),
        sd=statistics.stdev(values) if len(values) >= 2 else None,
    )


@dataclass(frozen=True)
class StepState:
    key: str
    status: str
    leader_mean: float | None = None
    staff_mean: float | None = None  # the staff's pulse, where it asked about the step


@dataclass(frozen=True)
class SkippedStepWarning:
    stage: str
    earlier: str
    message: str  # English, as the API gives it (``warning_text``: in the reader's language)
    # The parts of the message, for a page that says it in its own language: the later
    # step's status, and the earlier step's weak means (None where not weak or unrated).
    stage_status: str = ""
    weak_leader_mean: float | None = None
    weak_staff_mean: float | None = None


def _weakness(state: StepState) -> str | None:
    if state.status == "not_started":
        return "not started"
    weak = [
        f"{mean:.1f} by {who}"
        for who, mean in (("leaders", state.leader_mean), ("staff", state.staff_mean))
        if mean is not None and mean < WEAK_MEAN
    ]
    if weak:
        return "rated " + " and ".join(weak)
    return None


def _weak_mean(mean: float | None, state: StepState) -> float | None:
    """``mean`` when it makes a started step weak; a step not started is weak by that alone."""
    if state.status == "not_started" or mean is None or mean >= WEAK_MEAN:
        return None
    return mean


def skipped_step_warnings(states: Sequence[StepState]) -> list[SkippedStepWarning]:
    """Warn when a later step is under way while an earlier one is missing or weak.

    Kotter's 2014 revision lets steps overlap, so this warns and never blocks.
    Each weak earlier step is named once, on the first step after it that is
    already in progress or done: that is the step started too early.
    """
    ordered = sorted(states, key=lambda state: STEPS_BY_KEY[state.key].position)
    warnings: list[SkippedStepWarning] = []
    for index, earlier in enumerate(ordered):
        weakness = _weakness(earlier)
        if weakness is None:
            continue
        later = next((s for s in ordered[index + 1 :] if s.status != "not_started"), None)
        if later is None:
            continue
        early_step, late_step = STEPS_BY_KEY[earlier.key], STEPS_BY_KEY[later.key]
        warnings.append(
            SkippedStepWarning(
                stage=later.key,
                earlier=earlier.key,
                message=(
                    f"Step {late_step.position} '{late_step.key}' is "
                    f"{STATUS_LABELS[later.status]} but step {early_step.position} "
                    f"'{early_step.key}' is {weakness}: {SKIP_CONSEQUENCE[earlier.key]}."
                ),
                stage_status=later.status,
                weak_leader_mean=_weak_mean(earlier.leader_mean, earlier),
                weak_staff_mean=_weak_mean(earlier.staff_mean, earlier),
            )
        )
    return warnings


def warning_text(warning: SkippedStepWarning) -> str:
    """The warning's sentence in the reader's language, one whole sentence per kind of
    weakness; the English one is ``warning.message`` word for word."""
    late, early = STEPS_BY_KEY[warning.stage], STEPS_BY_KEY[warning.earlier]
    parts: dict[str, object] = {
        "late": late.position,
        "late_key": late.key,
        "status": _(STATUS_LABELS.get(warning.stage_status, warning.stage_status)),
        "early": early.position,
        "early_key": early.key,
        "reason": _(SKIP_CONSEQUENCE[early.key]),
    }
    leaders, staff = warning.weak_leader_mean, warning.weak_staff_mean
    if leaders is not None and staff is not None:
        return _(
            "Step %(late)s '%(late_key)s' is %(status)s but step %(early)s '%(early_key)s' is"
            " rated %(leaders)s by leaders and %(staff)s by staff: %(reason)s.",
            leaders=number(leaders, 1),
            staff=number(staff, 1),
            **parts,
        )
    if leaders is not None:
        return _(
            "Step %(late)s '%(late_key)s' is %(status)s but step %(early)s '%(early_key)s' is"
            " rated %(leaders)s by leaders: %(reason)s.",
            leaders=number(leaders, 1),
            **parts,
        )
    if staff is not None:
        return _(
            "Step %(late)s '%(late_key)s' is %(status)s but step %(early)s '%(early_key)s' is"
            " rated %(staff)s by staff: %(reason)s.",
            staff=number(staff, 1),
            **parts,
        )
    return _(
        "Step %(late)s '%(late_key)s' is %(status)s but step %(early)s '%(early_key)s' is"
        " not started: %(reason)s.",
        **parts,
    )
