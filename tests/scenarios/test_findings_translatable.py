"""Every sentence of a diagnosis goes through the translation layer, so a partner's
catalogue turns the findings into their language too.

Pseudo-localisation: a fake translator wraps every message it is given in ⟦ ⟧ (and
every day in ⟦ ⟧); after removing what it wrapped, no word may be left in a finding's
title, evidence, plain words, basis or suggestion, nor in the notes and outlook words
the dashboard shows. A sentence built with an f-string, or an English month name,
leaves words behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask

from app.i18n import translate_findings
from insights import translation
from tests.scenarios.build import build
from tests.scenarios.test_library import SCENARIOS

_WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _wrap(message: str, **values: Any) -> str:
    return "⟦" + (message % values if values else message) + "⟧"


def _wrap_plural(singular: str, plural: str, num: int, **values: Any) -> str:
    return _wrap(singular if num == 1 else plural, num=num, **values)


def left_over(text: str) -> list[str]:
    """Words outside anything the translator was given."""
    while _WRAPPED.search(text):
        text = _WRAPPED.sub(" ", text)
    return _WORD.findall(text)


@pytest.fixture
def pseudo(app: Flask) -> Iterator[None]:
    translation.install(_wrap, _wrap_plural, day=lambda value: f"⟦{value.isoformat()}⟧")
    yield
    translate_findings()


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
