"""Scoring rules for pulse surveys, from the value counts the database tallies hold.

Every rule here is the one people in the field expect (docs/domain.md,
"Measures people in this field expect"), so a result read in Stepwise means
what it means in any other survey tool. Nothing here knows about groups or
anonymity: callers apply survey.anonymity before any figure leaves the app.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey.instruments import AGREE5, RECOMMEND10, SCALES, Item

ADKAR_ORDER = ("awareness", "desire", "knowledge", "ability", "reinforcement")
# ADKAR: an element scored at or below this is where the change gets stuck.
ADKAR_BARRIER_AT = 3
# eNPS bands on the 0-10 scale: promoters 9-10, detractors 0-6.
PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6
# Cronbach's alpha bands and the sample size below which it is only a rough guide.
ALPHA_ACCEPTABLE = 0.7
ALPHA_GOOD = 0.8
ALPHA_REDUNDANT_ABOVE = 0.95
ALPHA_MIN_RESPONDENTS = 10
# A total variance this small relative to the item variances is rounding noise, not data.
_ZERO_VARIANCE = 1e-12


def _check_value(value: int, scale: str, item_key: str) -> None:
    low, high = SCALES[scale]
    if not low <= value <= high:
        raise ValueError(f"value {value} of item {item_key!r} is outside {low}-{high}")


def recode(value: int, item: Item) -> int:
    """The value to score: reverse-worded items are recoded x' = (min + max) - x.

    On the 5-point scale that is 6 - x, so "strongly agree" with a negatively
    worded statement counts as 1 (DOMAIN.md: recode before any score). Values
    outside the item's scale raise a ValueError; free-text items have no value.
    """
    if item.scale not in SCALES:
        raise ValueError(f"item {item.key!r} is free text and has no score")
    _check_value(value, item.scale, item.key)
    if not item.reverse:
        return value
    low, high = SCALES[item.scale]
    return low + high - value


@dataclass(frozen=True)
class DimensionScore:
    """A dimension's pooled answers: mean (1-5) and % favourable (top two options).

    Both are after reverse coding and None when nobody answered. For a
    dimension with ``higher_is_better=False`` (resistance drivers) a high mean
    and a high "favourable" share mean more of the problem: the share agreeing
    with the driver.
    """

    mean: float | None
    favourable: float | None
    answers: int


def dimension_score(
    items: Sequence[Item], counts: Mapping[str, Mapping[int, int]]
) -> DimensionScore:
    """Mean and % favourable of all answers to a dimension's 5-point items, pooled.

    ``counts[item_key][raw_value]`` is how many answered that raw value (the
    tallies). Each answer is reverse-coded first, then counts once: items with
    more answers weigh more, as in the usual "% favourable" of survey vendors.
    Favourable is the top two options (4-5) after recoding. Items on other
    scales (the 0-10 recommendation, free text) are left out; a negative count
    or a value off the scale raises a ValueError.
    """
    answers = 0
    total = 0
    favourable = 0
    low, high = SCALES[AGREE5]
    for item in items:
        if item.scale != AGREE5:
            continue
        for value, n in counts.get(item.key, {}).items():
            if n < 0:
                raise ValueError(f"negative count {n} for item {item.key!r}")
            if n == 0:
                continue
            score = recode(value, item)
            answers += n
            total += score * n
            if score >= high - 1:
                favourable += n
    if answers == 0:
        return DimensionScore(None, None, 0)
    return DimensionScore(total / answers, 100 * favourable / answers, answers)


def enps(counts: Mapping[int, int]) -> float | None:
    """eNPS in percent: share of promoters (9-10) minus share of detractors (0-6).

    ``counts`` maps each 0-10 value to how many gave it; the result runs from
    -100 to 100, and is None when nobody answered (DOMAIN.md, the usual
    Net Promoter arithmetic applied to staff).
    """
    answers = promoters = detractors = 0
    for value, n in counts.items():
        _check_value(value, RECOMMEND10, "recommend")
        if n < 0:
            raise ValueError(f"negative count {n} for value {value}")
        answers += n
        if value >= PROMOTER_FROM:
            promoters += n
        elif value <= DETRACTOR_UP_TO:
            detractors += n
    if answers == 0:
        return None
    return 100 * (promoters - detractors) / answers


def adkar_barrier(scores: Mapping[str, float]) -> str | None:
    """The ADKAR barrier point: the first element, in A-D-K-A-R order, scored 3 or lower.

    Prosci's rule: the change is stuck at the first weak element, because each
    builds on the one before it (knowledge without desire does not stick).
    ``scores`` maps element names (``ADKAR_ORDER``) to 1-5 scores; an element
    left unanswered is skipped. None when every scored element is above 3.
    """
    for element in ADKAR_ORDER:
        score = scores.get(element)
        if score is not None and score <= ADKAR_BARRIER_AT:
            return element
    return None


def _sample_variance(values: Sequence[float]) -> float:
    mean = math.fsum(values) / len(values)
    return math.fsum((value - mean) ** 2 for value in values) / (len(values) - 1)


def _alpha(k: int, item_variances: float, total_variance: float) -> float | None:
    if k < 2 or total_variance <= _ZERO_VARIANCE * max(1.0, item_variances):
        return None
    return k / (k - 1) * (1 - item_variances / total_variance)


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha: (k/(k-1)) * (1 - sum of item variances / variance of the total).

    Rows are respondents, columns items, already reverse-coded; variances are
    sample variances (n - 1), as in Cronbach (1951) and the usual tools. None
    when there are fewer than 2 items or 2 respondents, or the totals do not
    vary. Alpha can be negative: the items then do not measure one thing.
    ValueError for ragged rows or a value that is not a finite number.
    """
    if len(rows) < 2:
        return None
    k = len(rows[0])
    if any(len(row) != k for row in rows):
        raise ValueError("every respondent needs a value for every item")
    if any(not math.isfinite(value) for row in rows for value in row):
        # A missing answer read as NaN would silently turn alpha into NaN.
        raise ValueError("alpha needs finite values; leave incomplete respondents out")
    if k < 2:
        return None
    item_variances = math.fsum(_sample_variance([row[i] for row in rows]) for i in range(k))
    total_variance = _sample_variance([math.fsum(row) for row in rows])
    return _alpha(k, item_variances, total_variance)


def cronbach_alpha_from_covariance(cov: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha from the k x k sample covariance matrix of the items.

    The variance of the total is the sum of all entries and the item variances
    are the diagonal, so alpha = k/(k-1) * (1 - trace / sum). Results pages can
    build the matrix from sums and sums of products in SQL without loading
    answers. None when k < 2 or the total does not vary.
    """
    k = len(cov)
    if any(len(row) != k for row in cov):
        raise ValueError("the covariance matrix must be square")
    trace = math.fsum(cov[i][i] for i in range(k))
    total = math.fsum(value for row in cov for value in row)
    return _alpha(k, trace, total)


def _as_written(message: str, **values: Any) -> str:
    return message % values if values else message


def _plural_as_written(singular: str, plural: str, num: int, **values: Any) -> str:
    values.setdefault("num", num)
    return (singular if num == 1 else plural) % values


def alpha_verdict(
    alpha: float | None,
    respondents: int,
    gettext: Callable[..., str] = _as_written,
    ngettext: Callable[..., str] = _plural_as_written,
) -> str:
    """Cronbach's alpha in plain words, with a caution when fewer than 10 answered.

    Conventional bands (DOMAIN.md, after Nunnally's 0.7): below 0.7
    questionable, from 0.7 acceptable, from 0.8 good, above 0.95 the items
    probably ask the same thing twice. With under 10 respondents alpha swings
    widely from one answer to the next, so the verdict says so. The English as
    written, or in a page's language through its ``gettext`` and ``ngettext``
    (Flask-Babel's: ``%(name)s`` values as keywords, ``num`` set by ngettext).
    """
    if alpha is None:
        if respondents < 2:
            return gettext("not enough answers")
        return gettext("cannot be computed: it needs two or more items and answers that vary")
    if alpha > ALPHA_REDUNDANT_ABOVE:
        verdict = gettext("very high: the items may be redundant")
    elif alpha >= ALPHA_GOOD:
        verdict = gettext("good")
    elif alpha >= ALPHA_ACCEPTABLE:
        verdict = gettext("acceptable")
    elif alpha < 0:
        verdict = gettext(
            "questionable: below zero, so check the reverse-worded items were recoded"
        )
    else:
        verdict = gettext("questionable")
    if respondents < ALPHA_MIN_RESPONDENTS:
        caution = ngettext(
            "(only %(num)s respondent: treat it with caution)",
            "(only %(num)s respondents: treat it with caution)",
            respondents,
        )
        verdict = f"{verdict} {caution}"  # a remark in brackets after the verdict
    return verdict


def rounded(value: float | None, places: int = 2) -> float | None:
    """A figure as pages, charts, exports and the API give it; None stays None."""
    return round(value, places) if value is not None else None
