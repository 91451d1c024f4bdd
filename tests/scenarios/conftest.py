"""Prints the scenario library's recall and precision, per backend, in the terminal summary."""

from __future__ import annotations

import sys
from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    library = sys.modules.get("tests.scenarios.test_library")
    if library is None or not library.LEDGER:
        return
    ledgers, checks = library.LEDGER, library.CHECKS
    terminalreporter.section("scenario library")
    for backend, ledger in ledgers.items():
        outcomes = list(ledger.values())
        must = sum(o.must for o in outcomes)
        produced = sum(o.produced for o in outcomes)
        recall = sum(o.found for o in outcomes) / must if must else 1.0
        precision = (produced - sum(o.wrong for o in outcomes)) / produced if produced else 1.0
        failed = sum(1 for problem in checks.get(backend, {}).values() if problem)
        terminalreporter.write_line(
            f"scenario library ({backend}): {len(outcomes)} rollouts, recall {recall:.2f} "
            f"({sum(o.found for o in outcomes)}/{must} expected findings), precision "
            f"{precision:.2f} ({produced - sum(o.wrong for o in outcomes)}/{produced} findings "
            f"not labelled wrong), {failed} other check(s) failed"
        )
        verbose = terminalreporter.config.getoption("verbose")
        for outcome in outcomes:
            if verbose >= 2:  # -vv: every finding produced; -vvv: with its evidence
                terminalreporter.write_line(f"  {outcome.scenario}:")
                if not outcome.findings:
                    terminalreporter.write_line("      (no findings)")
                for finding, evidence in zip(outcome.findings, outcome.evidence, strict=True):
                    terminalreporter.write_line(f"      {finding}")
                    if verbose >= 3:
                        terminalreporter.write_line(f"          {evidence}")
            for missed in outcome.missed:
                terminalreporter.write_line(f"  {outcome.scenario}: missing {missed}")
            for wrong in outcome.offending:
                terminalreporter.write_line(f"  {outcome.scenario}: wrong {wrong}")
            problem = checks.get(backend, {}).get(outcome.scenario)
            if problem:
                terminalreporter.write_line(f"  {outcome.scenario}: {problem}")
