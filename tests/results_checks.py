"""Checks for results tests: the subtraction test, and reading exports and charts.

The campaigns, answers and publication they check come from ``tests.builders``.

``derivable`` is the brute-force check of tests/survey/test_anonymity.py, made
reusable: the figures one can see are the respondent counts of the shown
groups (each a set of teams); a hidden group is given away when its set of
teams is in their linear span (adding and subtracting shown figures).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def subtree(team: str, parents: Mapping[str, str | None]) -> set[str]:
    members = {team}
    changed = True
    while changed:
        grown = members | {t for t, p in parents.items() if p in members}
        changed = grown != members
        members = grown
    return members


def derivable(
    target: set[str],
    visible: Sequence[set[str]],
    respondents: Mapping[str, int],
) -> bool:
    """Whether the people of ``target`` (a set of teams) follow from the visible figures."""
    answered = [t for t, n in respondents.items() if n > 0]
    if not visible or not answered:
        return False
    basis = np.array([[float(t in s) for t in answered] for s in visible])
    goal = np.array([float(t in target) for t in answered])
    coef, *_ = np.linalg.lstsq(basis.T, goal, rcond=None)
    return bool(np.allclose(basis.T @ coef, goal))


def atoms_are_safe(
    visible: Sequence[set[str]], respondents: Mapping[str, int], min_size: int
) -> bool:
    """Teams in exactly the same visible figures cannot be told apart; each such atom seen
    at all must hold nobody or at least ``min_size`` people."""
    atoms: dict[tuple[bool, ...], int] = {}
    for team, n in respondents.items():
        if n > 0:
            signature = tuple(team in s for s in visible)
            atoms[signature] = atoms.get(signature, 0) + n
    return all(not any(sig) or n >= min_size for sig, n in atoms.items())


def csv_rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


def chart_specs(html: str) -> list[dict[str, Any]]:
    """Every ``data-chart`` JSON on a page, unescaped."""
    import html as html_lib

    return [json.loads(html_lib.unescape(raw)) for raw in re.findall(r'data-chart="([^"]*)"', html)]
