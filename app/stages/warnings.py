"""A skipped-step warning in the page's language: one whole sentence per kind of
weakness, so each language places the steps, the figures and the reason as it needs."""

from __future__ import annotations

from flask_babel import gettext as _

from insights.kotter import STEPS_BY_KEY
from insights.stages import SKIP_CONSEQUENCE, STATUS_LABELS, SkippedStepWarning


def warning_text(warning: SkippedStepWarning) -> str:
    """The warning's sentence; the English one is ``warning.message`` word for word."""
    late, early = STEPS_BY_KEY[warning.stage], STEPS_BY_KEY[warning.earlier]
    parts = {
        "late": late.position,
        "late_key": late.key,
        "status": _(STATUS_LABELS.get(warning.stage_status, warning.stage_status)),
        "early": early.position,
        "early_key": early.key,
        "reason": _(SKIP_CONSEQUENCE[early.key]),
    }
    leaders, staff = warning.weak_leader_mean, warning.weak_staff_mean
    if leaders is not None and staff is not None:
        text = _(
            "Step %(late)s '%(late_key)s' is %(status)s but step %(early)s '%(early_key)s' is"
            " rated %(leaders)s by leaders and %(staff)s by staff: %(reason)s.",
            leaders=f"{leaders:.1f}",
            staff=f"{staff:.1f}",
            **parts,
        )
    elif leaders is not None:
        text = _(
            "Step %(late)s '%(late_key)s' is %(status)s but step %(early)s '%(early_key)s' is"
            " rated %(leaders)s by leaders: %(reason)s.",
            leaders=f"{leaders:.1f}",
            **parts,
        )
    elif staff is not None:
        text = _(
            "Step %(late)s '%(late_key)s' is %(status)s but step %(early)s '%(early_key)s' is"
            " rated %(staff)s by staff: %(reason)s.",
            staff=f"{staff:.1f}",
            **parts,
        )
    else:
        text = _(
            "Step %(late)s '%(late_key)s' is %(status)s but step %(early)s '%(early_key)s' is"
            " not started: %(reason)s.",
            **parts,
        )
    return str(text)
