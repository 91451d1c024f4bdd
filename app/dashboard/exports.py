"""The findings as CSV and XLSX, from the same :class:`Diagnosis` as the pages.

Text cells that a spreadsheet would run as a formula are prefixed with a
quote (``csv_cell``), in both formats. Teams appear only as the diagnosis
names them: pulse figures only for teams the anonymity plan shows, per-team
adoption only for teams at or above the reporting threshold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.services.diagnosis import Diagnosis
from app.services.results.exports import csv_cell
from insights.diagnosis import Finding
from insights.kotter import STEPS_BY_KEY
from survey.scoring import rounded

FINDING_COLUMNS = (
    "rank", "severity", "kind", "step", "step_name", "title", "evidence", "suggestion", "teams",
    "period_from", "period_to", "as_of", "basis",
)  # fmt: skip
STEP_COLUMNS = (
    "position", "step", "name", "status", "health", "stall_point", "evidence_done",
    "evidence_total", "leader_mean", "leader_n", "staff_mean", "staff_n", "overdue_actions",
)  # fmt: skip
ADOPTION_COLUMNS = (
    "metric", "scope", "latest_period", "latest", "unit", "target", "target_date", "trend",
    "sen_slope_per_week", "mann_kendall_p", "projected_target_date", "projection_method",
    "against_target",
)  # fmt: skip
# The statistics stay with the consultants; executives get the verdict in words.
CONSULTANT_ONLY_ADOPTION = frozenset(
    {"sen_slope_per_week", "mann_kendall_p", "projected_target_date", "projection_method"}
)


def _period(finding: Finding) -> tuple[str, str]:
    if finding.period is None:
        return "", ""
    return finding.period[0].isoformat(), finding.period[1].isoformat()


def finding_rows(findings: Sequence[Finding], *, consultant: bool = True) -> list[list[Any]]:
    """One row per finding; executives get the evidence in plain words, consultants the tests.

    ``period_from``/``period_to`` are the weeks or the pulse a finding covers;
    a finding with no period of its own (a step, overdue actions) has ``as_of``.
    ``basis`` says the period and the n in words.
    """
    return [
        [
            rank, f.severity, f.kind, f.step or "",
            STEPS_BY_KEY[f.step].name if f.step else "", f.title,
            f.evidence if consultant else (f.plain or f.evidence), f.suggestion,
            "; ".join(f.teams), *_period(f), f.as_of.isoformat() if f.as_of else "", f.basis,
        ]
        for rank, f in enumerate(findings, start=1)
    ]  # fmt: skip


def step_rows(diagnosis: Diagnosis) -> list[list[Any]]:
    return [
        [
            s.step.position, s.key, s.step.name, s.status, s.health, "yes" if s.stalled else "",
            s.evidence_done, s.evidence_total, rounded(s.leader_mean), s.leader_n,
            rounded(s.staff_mean), s.staff_n, s.overdue_actions,
        ]
        for s in diagnosis.steps
    ]  # fmt: skip


def adoption_columns(consultant: bool) -> tuple[str, ...]:
    return tuple(c for c in ADOPTION_COLUMNS if consultant or c not in CONSULTANT_ONLY_ADOPTION)


def adoption_rows(diagnosis: Diagnosis, *, consultant: bool = True) -> list[list[Any]]:
    keep = [c in adoption_columns(consultant) for c in ADOPTION_COLUMNS]
    rows = [
        [
            s.metric_name, s.scope, s.latest_period.isoformat(), s.latest, s.unit, s.target,
            s.target_date.isoformat() if s.target_date else "", s.trend.label or "",
            rounded(s.trend.slope, 3), rounded(s.trend.p, 3),
            s.projected_on.isoformat() if s.projected_on else "",
            s.projection.method if s.projection else "",
            s.target_words(diagnosis.today),
        ]
        for s in diagnosis.series
    ]  # fmt: skip
    return [[cell for cell, kept in zip(row, keep, strict=True) if kept] for row in rows]


def findings_csv(diagnosis: Diagnosis, *, consultant: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FINDING_COLUMNS)
    for row in finding_rows(diagnosis.findings_for(consultant), consultant=consultant):
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def findings_xlsx(diagnosis: Diagnosis, *, consultant: bool, title: str) -> bytes:
    """A workbook: the findings, the eight steps' health, and adoption against target."""
    book = Workbook()
    sheets = (
        (
            "Findings",
            FINDING_COLUMNS,
            finding_rows(diagnosis.findings_for(consultant), consultant=consultant),
        ),
        ("Steps", STEP_COLUMNS, step_rows(diagnosis)),
        ("Adoption", adoption_columns(consultant), adoption_rows(diagnosis, consultant=consultant)),
    )
    for index, (name, columns, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = name
        sheet.append([csv_cell(title)])
        sheet.append([f"As of {diagnosis.today.isoformat()}"])
        sheet.append(list(columns))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([csv_cell(cell) for cell in row])
        sheet.freeze_panes = "A4"
    findings = book["Findings"]
    for letter, width in zip("ABCDEFGHI", (6, 9, 11, 12, 30, 50, 70, 60, 24), strict=True):
        findings.column_dimensions[letter].width = width
    for cells in findings.iter_rows(min_row=4):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
