"""The instrument library as data: keys, shapes, building a survey and its snapshot."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from insights.kotter import STEP_KEYS
from survey.instruments import (
    AGREE5,
    CUSTOM_DIMENSION,
    DIMENSIONS_BY_KEY,
    FAMILIES,
    ITEMS_BY_KEY,
    LIBRARY,
    RECOMMEND10,
    SCALES,
    STARTER_PULSE,
    TEXT,
    Dimension,
    Item,
    build_items,
    dimension,
    is_scored,
    items_from_snapshot,
    snapshot,
)

SINGLE_ITEM_FAMILIES = {"adkar", "recommend", "comment"}


def test_keys_are_unique_across_the_library() -> None:
    dimension_keys = [dim.key for dim in LIBRARY]
    item_keys = [item.key for dim in LIBRARY for item in dim.items]
    assert not [k for k, n in Counter(dimension_keys).items() if n > 1]
    assert not [k for k, n in Counter(item_keys).items() if n > 1]
    assert set(DIMENSIONS_BY_KEY) == set(dimension_keys)
    assert set(ITEMS_BY_KEY) == set(item_keys)
    # Item keys are stored in a 40-character column; dimension keys too (actions).
    assert max(map(len, item_keys + dimension_keys)) <= 40
    assert CUSTOM_DIMENSION not in DIMENSIONS_BY_KEY


def test_every_item_belongs_to_its_dimension() -> None:
    for dim in LIBRARY:
        assert all(item.dimension == dim.key for item in dim.items), dim.key
        assert dim.family in FAMILIES, dim.key
        assert dim.name and dim.description


@pytest.mark.parametrize("dim", LIBRARY, ids=lambda d: d.key)
def test_dimension_sizes(dim: Dimension) -> None:
    if dim.family in SINGLE_ITEM_FAMILIES:
        assert len(dim.items) == 1
    elif dim.family == "kotter":
        assert 1 <= len(dim.items) <= 2
    else:
        assert 2 <= len(dim.items) <= 4
        assert all(item.scale == AGREE5 for item in dim.items)


def test_families_in_order_and_all_used() -> None:
    assert list(FAMILIES) == [
        "kotter", "resistance", "adoption", "adkar", "crl", "customer", "recommend", "comment",
    ]  # fmt: skip
    assert {dim.family for dim in LIBRARY} == set(FAMILIES)


def test_one_kotter_dimension_per_step_in_order() -> None:
    kotter = [dim for dim in LIBRARY if dim.family == "kotter"]
    assert tuple(dim.kotter_step for dim in kotter) == STEP_KEYS
    assert [dim.key for dim in kotter] == [f"kotter_{step}" for step in STEP_KEYS]
    assert all(dim.kotter_step is None for dim in LIBRARY if dim.family != "kotter")


def test_adkar_five_single_items_in_order() -> None:
    adkar = [dim.key for dim in LIBRARY if dim.family == "adkar"]
    assert adkar == [
        "adkar_awareness", "adkar_desire", "adkar_knowledge", "adkar_ability",
        "adkar_reinforcement",
    ]  # fmt: skip


def test_resistance_drivers_read_lower_is_better() -> None:
    resistance = {dim.key for dim in LIBRARY if dim.family == "resistance"}
    assert resistance == {
        "resistance_unknown", "resistance_devalued", "resistance_ownership",
        "resistance_personal_touch",
    }  # fmt: skip
    assert {dim.key for dim in LIBRARY if not dim.higher_is_better} == resistance


def test_some_items_are_reverse_worded_and_only_scored_ones() -> None:
    reversed_items = [item for dim in LIBRARY for item in dim.items if item.reverse]
    assert len(reversed_items) >= 5
    assert all(item.scale == AGREE5 for item in reversed_items)
    # Every multi-item dimension that has a reverse item still has a forward one.
    for dim in LIBRARY:
        if any(item.reverse for item in dim.items):
            assert any(not item.reverse for item in dim.items), dim.key


def test_recommend_and_comment() -> None:
    (recommend,) = dimension("recommend").items
    assert recommend.scale == RECOMMEND10
    assert recommend.text == "How likely are you to recommend the new CRM to a colleague?"
    (comment,) = dimension("comment").items
    assert comment.scale == TEXT
    assert comment.required is False
    assert SCALES[RECOMMEND10] == (0, 10)


def test_unknown_dimension_names_the_valid_keys() -> None:
    with pytest.raises(KeyError, match="kotter_urgency"):
        dimension("kotter_speed")


def test_starter_pulse_fits_two_minutes() -> None:
    items = build_items(STARTER_PULSE)
    statements = [item for item in items if item.scale == AGREE5]
    assert 8 <= len(statements) <= 12
    assert [item.scale for item in items][-2:] == [RECOMMEND10, TEXT]
    families = {dimension(key).family for key in STARTER_PULSE}
    assert {"kotter", "resistance", "adkar", "recommend", "comment"} <= families
    # All five ADKAR elements, so every respondent has a barrier point.
    assert sum(dimension(key).family == "adkar" for key in STARTER_PULSE) == 5


def test_build_items_keeps_the_chosen_order_and_puts_free_text_last() -> None:
    items = build_items(["comment", "adkar_desire", "resistance_unknown"])
    assert [item.key for item in items] == [
        "adkar_desire_1", "resistance_unknown_1", "resistance_unknown_2", "comment",
    ]  # fmt: skip


def test_build_items_with_custom_items() -> None:
    items = build_items(
        ["recommend"],
        [
            ("  Our CRM champions answer my questions.  ", AGREE5, False),
            ("I would rather go back to spreadsheets.", AGREE5, True),
            ("How useful was the last training session?", RECOMMEND10, False),
        ],
    )
    assert [item.key for item in items] == ["recommend", "custom_1", "custom_2", "custom_3"]
    custom = items[1:]
    assert {item.dimension for item in custom} == {CUSTOM_DIMENSION}
    assert custom[0] == Item(
        "custom_1", CUSTOM_DIMENSION, "Our CRM champions answer my questions.", AGREE5, False
    )
    assert custom[1].reverse is True
    assert custom[2].scale == RECOMMEND10
    assert all(item.required for item in custom)


def test_custom_items_alone_make_a_survey() -> None:
    assert len(build_items([], [("The CRM is worth it.", AGREE5, False)])) == 1


@pytest.mark.parametrize(
    ("keys", "custom", "message"),
    [
        (["kotter_speed"], [], "kotter_speed"),
        (["adkar_desire", "adkar_desire"], [], "twice"),
        ([], [], "scored"),
        (["comment"], [], "scored"),
        (["adkar_desire"], [("   ", AGREE5, False)], "no text"),
        (["adkar_desire"], [("x" * 301, AGREE5, False)], "longer"),
        (["adkar_desire"], [("Tell us more.", TEXT, False)], "comment"),
        (["adkar_desire"], [("A statement.", "agree7", False)], "agree7"),
    ],
)
def test_build_items_refuses(
    keys: list[str], custom: list[tuple[str, str, bool]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_items(keys, custom)


def test_snapshot_round_trip_through_json() -> None:
    items = build_items([dim.key for dim in LIBRARY], [("A custom statement.", AGREE5, True)])
    stored = json.loads(json.dumps(snapshot(items)))
    assert items_from_snapshot(stored) == items
    first = dict(stored[0])
    assert set(first.pop("translations")) == {"de", "fr", "es"}
    assert first == {
        "key": "kotter_urgency_1",
        "dimension": "kotter_urgency",
        "text": "I understand why we need to change how we work with customers.",
        "scale": AGREE5,
        "reverse": False,
        "required": True,
        "language": "en",
    }


def test_a_snapshot_from_before_languages_still_reads_as_english() -> None:
    (item,) = items_from_snapshot(
        [{"key": "k", "dimension": "custom", "text": "Old.", "scale": AGREE5}]
    )
    assert item.wording("fr") == ("Old.", "en")
    assert item.missing_languages(["en", "de"]) == ["de"]


def test_custom_items_in_several_languages_fall_back_to_the_survey_default() -> None:
    (item, *_) = build_items(
        [], [({"de": "Wir lernen.", "fr": "On apprend.", "es": ""}, AGREE5, False)], "de"
    )
    assert (item.text, item.language) == ("Wir lernen.", "de")
    assert item.wording("fr", "de") == ("On apprend.", "fr")
    assert item.wording("es", "de") == ("Wir lernen.", "de")
    assert item.missing_languages(["en", "de", "fr", "es"]) == ["en", "es"]
    with pytest.raises(ValueError, match="no text in Deutsch"):
        build_items([], [({"fr": "On apprend."}, AGREE5, False)], "de")
    with pytest.raises(ValueError, match="unknown language 'it'"):
        build_items([], [({"it": "Impariamo."}, AGREE5, False)], "en")


def test_snapshot_scores_as_asked_even_if_the_library_changes() -> None:
    stored = snapshot(build_items(["resistance_unknown"]))
    stored[1]["text"] = "An older wording of the same item."
    (_, old) = items_from_snapshot(stored)
    assert old.text == "An older wording of the same item."
    assert old.reverse is True


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([{"key": "a", "dimension": "d"}], "missing"),
        ([{"key": "a", "dimension": "d", "text": "t", "weight": 2}], "unknown"),
        ([{"key": "a", "dimension": "d", "text": "t", "scale": "stars"}], "stars"),
        ([{"key": "a", "dimension": "d", "text": "t"}] * 2, "repeated"),
    ],
)
def test_items_from_a_broken_snapshot_are_refused(
    bad: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        items_from_snapshot(bad)


def test_is_scored() -> None:
    assert is_scored(ITEMS_BY_KEY["recommend"])
    assert is_scored(ITEMS_BY_KEY["adkar_desire_1"])
    assert not is_scored(ITEMS_BY_KEY["comment"])
