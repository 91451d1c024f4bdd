"""Every sentence of a diagnosis goes through the translation layer, so a partner's
catalogue turns the findings into their language too.

Pseudo-localisation: a fake translator wraps every message it is given in ⟦ ⟧ (and
every day in ⟦ ⟧); after removing what it wrapped, no word may be left in a finding's
title, evidence, plain words, basis or suggestion, nor in the notes and outlook words
the dashboard shows. A sentence built with an f-string, or an English month name,
leaves words behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask

from tests.i18n.pseudo import left_over, pseudo_translated
from tests.scenarios.build import build
from tests.scenarios.test_library import SCENARIOS


@pytest.fixture
def pseudo(app: Flask) -> Iterator[None]:
    with pseudo_translated():
        yield


def test_the_check_sees_an_untranslated_sentence() -> None:
    assert left_over("⟦Adoption fell ⟦3 Nov⟧⟧: ⟦look⟧") == []
    assert left_over("⟦Adoption⟧ fell in Nov") == ["fell", "in", "Nov"]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_sentence_of_a_diagnosis_is_translatable(pseudo: None, name: str) -> None:
    made = SCENARIOS[name]()
    found = build(made.rollout, name).diagnose()
    texts: list[tuple[str, str]] = []
    for finding in (*found.findings, *([found.leadership] if found.leadership else [])):
        for field in ("title", "evidence", "plain", "basis", "suggestion"):
            texts.append((f"{finding.kind}.{field}", getattr(finding, field)))
    texts += [
        ("folded_note", found.folded_note or ""),
        ("drivers_status", found.drivers_status or ""),
    ]
    for outlook in found.series:
        texts += [
            ("trend_words", outlook.trend_words),
            ("target_words", outlook.target_words(date.today())),
        ]
    untranslated = [(where, text) for where, text in texts if left_over(text)]
    assert untranslated == []
