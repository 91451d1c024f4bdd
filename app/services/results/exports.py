"""CSV exports of pulse results: the page's figures, and raw answers for consultants.

Both read ``survey_results``, so they show what the page shows and nothing
else. Raw answers exist only for published campaigns: rows in random order,
no day or time, each labelled with the finest group the published plan
shows that holds the respondent, comments only where the comment plan
shows them.

Both come as generators of CSV lines (``*_csv_lines``) for streamed
downloads: the raw answers are read from the database in batches
(``yield_per``, a server-side cursor on PostgreSQL), so memory does not grow
with the number of responses. ``aggregates_csv`` and ``answers_csv`` join
the lines into one string.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, case, cast, func, literal, select

from app.services.results.groups import (
    LOW_RESPONSE_RATE,
    Plan,
    SurveyResults,
    TeamNode,
    hidden_reason,
    subtree_of,
)
from models import Answer, Response, db
from survey.instruments import SCALES

# Spreadsheets run cells starting with these as formulas ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Raw rows are sorted by a keyed hash of the response id, with a fresh secret key
# per export, so that their order tells nothing about when anyone answered.
_random = random.SystemRandom()
# A prime just below 2**31: every step of the hash stays below 2**62 in SQL.
_HASH_PRIME = 2**31 - 1
# Raw rows fetched from the database per round trip.
_BATCH = 1000


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _number(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


class _LineWriter:
    """One CSV row at a time as a string, quoted as ``csv.writer`` quotes it."""

    def __init__(self) -> None:
        self._out = io.StringIO()
        self._writer = csv.writer(self._out, lineterminator="\r\n")

    def line(self, row: Iterable[Any]) -> str:
        self._out.seek(0)
        self._out.truncate()
        self._writer.writerow(row)
        return self._out.getvalue()


def aggregates_csv(results: SurveyResults) -> str:
    return "".join(aggregates_csv_lines(results))


def aggregates_csv_lines(results: SurveyResults) -> Iterator[str]:
    """The groups of ``results`` as CSV lines, one row per campaign and group, hidden ones blank.

    The same groups as the page and the API: a hidden group's row names why
    it is hidden and carries no count, rate or score.
    """
    writer = _LineWriter()
    yield writer.line(
        [
            "campaign_id", "campaign_first_day", "campaign_last_day", "team_id", "team",
            "shown", "note", "responses", "headcount", "response_rate", "enps",
            *[f"{d.key}_{part}" for d in results.dimensions for part in ("mean", "favourable")],
        ]
    )  # fmt: skip
    campaigns = {c.id: c for c in results.campaigns}
    for group in results.groups:
        campaign = campaigns[group.campaign_id]
        note = hidden_reason(group, results.min_group_size)
        if group.low_response_rate:
            note = f"response rate under {LOW_RESPONSE_RATE:.0f}%"
        scores: list[str] = []
        for info in results.dimensions:
            result = group.dimension(info.key)
            scores += [
                _number(result.mean if result else None, 2),
                _number(result.favourable if result else None, 1),
            ]
        yield writer.line(
            [
                campaign.id, campaign.opens_at.date().isoformat(), campaign.last_day.isoformat(),
                group.team_id if group.team_id is not None else "", csv_cell(group.name),
                "no" if group.suppressed else "yes", note,
                group.responses if group.responses is not None else "", group.headcount,
                _number(group.response_rate, 1), _number(group.enps, 1), *scores,
            ]
        )  # fmt: skip


def _label_group(
    team_id: int, shown: frozenset[int], tree: tuple[TeamNode, ...]
) -> tuple[int | None, frozenset[int]]:
    """The finest shown group a team's respondents can be put in, and the teams it holds.

    That is the nearest shown team at or above ``team_id`` (or the whole),
    less its shown sub-teams, in the campaign's frozen tree: by the plan it
    holds nobody or at least the threshold, so labelling a raw answer with
    it reveals no smaller group.
    """
    by_id = {t.id: t for t in tree}
    anchor: int | None = team_id
    while anchor is not None and anchor not in shown:
        anchor = by_id[anchor].parent_id if anchor in by_id else None
    if anchor is None:
        members = {t.id for t in tree} | {team_id}
        kids = [t.id for t in tree if t.parent_id is None and t.id in shown]
    else:
        members = set(subtree_of(anchor, tree))
        kids = [t.id for t in tree if t.parent_id == anchor and t.id in shown]
    for kid in kids:
        members -= subtree_of(kid, tree)
    return anchor, frozenset(members)


def _label_text(anchor: int | None, members: frozenset[int], tree: tuple[TeamNode, ...]) -> str:
    if anchor is None:
        return "All teams" if members >= {t.id for t in tree} else "Other teams"
    name = next(t.name for t in tree if t.id == anchor)
    return name if members == subtree_of(anchor, tree) else f"{name} (other)"


def _raw_label(plan: Plan, tree: tuple[TeamNode, ...], team_id: int) -> tuple[str, bool]:
    anchor, members = _label_group(team_id, plan.shown, tree)
    comment_anchor, comment_members = _label_group(team_id, plan.comments, tree)
    keep = plan.whole_comments and (anchor, members) == (comment_anchor, comment_members)
    return _label_text(anchor, members, tree), keep


def answers_csv(results: SurveyResults) -> str:
    return "".join(answers_csv_lines(results))


def answers_csv_lines(results: SurveyResults) -> Iterator[str]:
    """Raw answers for consultants, anonymised: one row per response, published campaigns only.

    - rows in random order, numbered afresh (no database ids);
    - no day or time: the campaign is the finest time there is;
    - the team is the finest group the published plan shows that holds the
      respondent (``Sales (other)``, ``Other teams``), never a team it hides;
    - campaigns whose whole organisation is under the threshold are left out;
    - a comment is kept only when its row's group is also a group the comment
      plan shows (at least the comment threshold), else the cell is empty.
    Values are as answered (reverse-worded items are not recoded). The rows
    are read in batches as the lines are consumed.
    """
    loaded = {g.campaign_id for g in results.groups}
    campaigns = {c.id: c for c in results.published if c.id in loaded}
    plans = {cid: results.plan(cid) for cid in campaigns}
    reportable = sorted(cid for cid, plan in plans.items() if plan.whole_shown)
    keys = list(
        dict.fromkeys(i.key for c in campaigns.values() for i in c.items if i.scale in SCALES)
    )
    writer = _LineWriter()
    yield writer.line(["response", "campaign", "team", *keys, "comment"])
    labels: dict[tuple[int, int], tuple[str, bool]] = {}
    for index, (campaign_id, team_id, comment, *values) in enumerate(
        _raw_rows(reportable, keys), start=1
    ):
        key = (campaign_id, team_id)
        if key not in labels:
            tree = results.trees.get(campaign_id, ())
            labels[key] = _raw_label(plans[campaign_id], tree, team_id)
        label, keep_comment = labels[key]
        yield writer.line(
            [
                index,
                campaigns[campaign_id].number,
                csv_cell(label),
                *["" if v is None else v for v in values],
                csv_cell((comment or "") if keep_comment else ""),
            ]
        )


def _keyed_hash(column: ColumnElement[int], key: Sequence[int]) -> ColumnElement[Any]:
    """``column`` through a secret random cubic polynomial modulo a prime, in SQL.

    Why: the rows used to be shuffled in memory; a stream cannot shuffle, so
    the database sorts them by this hash instead. Response ids grow with
    submission order, and sorting by the id (or by anything the reader can
    work out from it) would let someone who knows when a colleague answered
    find their row. With coefficients drawn afresh for every export and kept
    secret, the order tells nothing about the ids: a random polynomial of
    degree 3 over GF(p) makes the keys of any four responses independent and
    uniform, and unlike a plain affine ``(id * a + b) % p`` (whose sorted order
    still has a regular structure by the three-gap theorem) it leaves no
    pattern between neighbouring rows. Horner's rule with a reduction after
    every step keeps each product below 2**62, so it fits a BIGINT on
    PostgreSQL and SQLite's 64-bit integers.
    """
    value: ColumnElement[Any] = literal(key[0], BigInteger)
    x = cast(column, BigInteger) % _HASH_PRIME
    for coefficient in key[1:]:
        value = (value * x + literal(coefficient, BigInteger)) % _HASH_PRIME
    return value


def _random_key(terms: int) -> list[int]:
    return [_random.randrange(_HASH_PRIME) for _ in range(terms)]


def _raw_rows(campaign_ids: list[int], keys: list[str]) -> Iterable[Any]:
    """One row per response of ``campaign_ids`` in a random order, fetched in batches.

    Ordered by a keyed hash with a per-export secret key (see ``_keyed_hash``);
    the rare tie between two hashes is broken by a second, independent one.
    No day or time is selected.
    """
    if not campaign_ids:
        return []
    columns = [func.max(case((Answer.item_key == key, Answer.value))) for key in keys]
    statement = (
        select(Response.campaign_id, Response.team_id, Response.comment, *columns)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.campaign_id.in_(campaign_ids))
        .group_by(Response.id, Response.campaign_id, Response.team_id, Response.comment)
        .order_by(
            _keyed_hash(Response.__table__.c.id, _random_key(4)),
            _keyed_hash(Response.__table__.c.id, _random_key(4)),
        )
        .execution_options(yield_per=_BATCH)
    )
    return db.session.execute(statement)
