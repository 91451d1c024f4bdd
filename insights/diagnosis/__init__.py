"""Where is the rollout stalling, and why? The findings across all sources.

Plain data in (already through the anonymity rules), findings out. Each
finding names only evidence that was measured, with its n and its period,
and suggests the action that evidence calls for (``insights.evidence``).
No Flask, no database, nothing about any particular organisation.

By question: :mod:`.shapes` (inputs, the finding, their order), :mod:`.steps`,
:mod:`.adoption` and :mod:`.pulse` (each source's findings), :mod:`.assemble`
(``findings``: all of them).

The kinds: ``stall`` (the first weak step while later ones are under way),
``skipped`` (a later step under way while an earlier one is weak), ``gap``
(leaders and staff see a step differently), ``adoption`` and ``hotspot``
(a metric falling, or behind its path to the target, with the measured
reason when the pulse has one), ``barrier`` (where staff are stuck on
ADKAR), ``resistance`` (a reason to push back that staff agree with),
``driver`` (a dimension that moves with adoption across teams) and
``actions`` (overdue actions).
"""

from insights.diagnosis.assemble import findings
from insights.diagnosis.pulse import leadership_finding
from insights.diagnosis.shapes import (
    KIND_ORDER,
    MAX_RESISTANCE_FINDINGS,
    MAX_TEAM_FINDINGS,
    SEVERITY_ORDER,
    Finding,
    PulseInput,
    SeriesInput,
    TeamInput,
    finding_order,
)

__all__ = [
    "KIND_ORDER",
    "MAX_RESISTANCE_FINDINGS",
    "MAX_TEAM_FINDINGS",
    "SEVERITY_ORDER",
    "Finding",
    "PulseInput",
    "SeriesInput",
    "TeamInput",
    "finding_order",
    "findings",
    "leadership_finding",
]
