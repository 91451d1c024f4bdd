"""Responses per language: no shown bucket, nor anything derived from them, is below the
threshold."""

from __future__ import annotations

from itertools import product

import pytest

from survey.anonymity import language_buckets

MIN = 5


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"en": 48, "de": 12, "fr": 5, "es": 4, None: 0}, [("en", 48), ("de", 12), ("other", 9)]),
        # The pool of 3 is too small: the next-smallest language (fr, 5) joins it.
        ({"en": 30, "de": 12, "fr": 5, "es": 3}, [("en", 30), ("de", 12), ("other", 8)]),
        ({"en": 20, None: 6}, [("en", 20), ("unknown", 6)]),
        # Everyone but one in one language: pooling them leaves one bucket, shown as nothing.
        ({"en": 20, "de": 1}, None),
        ({"en": 20}, None),
        ({"en": 3, "de": 1}, None),  # the group itself is too small to be shown
        ({"en": 5, "de": 5}, [("de", 5), ("en", 5)]),
    ],
)
def test_language_buckets(counts: dict[str | None, int], expected: object) -> None:
    assert language_buckets(counts, MIN) == expected


def test_no_bucket_and_no_remainder_is_below_the_threshold() -> None:
    """Every count of up to four languages and "unknown", 0-12 each, at thresholds 3 and 5."""
    codes: tuple[str | None, ...] = ("en", "de", "fr", "es", None)
    for min_size in (3, 5):
        for values in product(range(0, 13, 1), repeat=len(codes)):
            if sum(1 for v in values if v) > 4:
                continue  # keep it quick: at most four languages at a time
            counts = dict(zip(codes, values, strict=True))
            buckets = language_buckets(counts, min_size)
            if buckets is None:
                continue
            assert len(buckets) >= 2
            # Buckets are disjoint and add up to the shown total, so whatever one derives by
            # adding or subtracting them is a sum of whole buckets: each must be large enough.
            assert sum(n for _, n in buckets) == sum(values)
            assert all(n >= min_size for _, n in buckets), (counts, buckets)
            named = {code for code, _ in buckets}
            small = {"unknown" if c is None else c for c, v in counts.items() if 0 < v < min_size}
            assert not named & small, (counts, buckets)
