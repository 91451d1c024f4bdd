"""The wording of action effects, leader associations and drivers goes whole through the
translation layer: with a fake translator wrapping every message in ⟦ ⟧, no word is left
outside (a sentence built with an f-string or glued from English fragments would be)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from insights.driver_words import driver_evidence, driver_title
from insights.drivers import Driver, drivers_status
from insights.effect_words import effect_words
from insights.effects import Effect
from insights.leaders import OUTCOMES, Association, association_words, too_few_words
from tests.i18n.pseudo import left_over, pseudo_translated


@pytest.fixture
def pseudo() -> Iterator[None]:
    with pseudo_translated():
        yield


def _effects() -> Iterator[Effect]:
    for state, kind, n, estimate in itertools.product(
        ("too_early", "no_before", "no_comparison", "noise", "better"),
        ("weekly", "pulse"),
        (1, 3),
        (2.5, -0.4, 0.0),
    ):
        yield Effect(
            state,  # type: ignore[arg-type]
            estimate, estimate - 1, estimate + 1, n, n, 4, 4, n, estimate, kind,  # type: ignore[arg-type]
            every_group=n == 3,
        )  # fmt: skip
    yield Effect("no_comparison", None, None, None, 2, 0, 4, 4, 0, 1.5)


@pytest.mark.parametrize("unit", ["", "%", "points", "days"])
def test_every_effect_sentence_is_translatable(pseudo: None, unit: str) -> None:
    untranslated = [
        text for effect in _effects() if left_over(text := effect_words(effect, "⟦x⟧", unit))
    ]
    # A metric's own unit ("days") is data, shown as entered.
    assert [t for t in untranslated if set(left_over(t)) != {"days"}] == []


def test_every_leader_association_sentence_is_translatable(pseudo: None) -> None:
    texts = [too_few_words(9)]
    for state, rho, tested, method in itertools.product(
        ("goes_with", "noise", "no_spread", "too_few"), (0.7, -0.7), (1, 10), ("exact", "perm")
    ):
        found = Association("model", "adoption", 12, state, "", rho, 0.01, 0.04, tested, method)  # type: ignore[arg-type]
        texts.append(association_words(found, "⟦Model the way⟧", OUTCOMES["adoption"]))
    assert [text for text in texts if left_over(text)] == []


def test_every_driver_sentence_is_translatable(pseudo: None) -> None:
    texts = [drivers_status([], {}) or "", drivers_status([], {"d": "⟦D⟧"}) or ""]
    for rho, teams, tested, method in itertools.product(
        (0.8, -0.8), (5, 18), (1, 10), ("exact", "permutation")
    ):
        caution = "only 5 teams" if teams < 16 else None
        driver = Driver("d", rho, 0.001, teams, caution, 0.01, tested, method)
        texts += [driver_title(driver, "⟦D⟧"), driver_evidence(driver)]
    texts = [t.replace("only 5 teams", "⟦⟧") for t in texts]
    assert [text for text in texts if left_over(text)] == []
