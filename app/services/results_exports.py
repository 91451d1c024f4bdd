"""CSV exports of pulse results: the page's figures, and raw answers for consultants.

Both read ``survey_results``, so they show what the page shows and nothing
else. Raw answers exist only for published campaigns: rows in random order,
no day or time, each labelled with the finest group the published plan
shows that holds the respondent, comments only where the comment plan
shows them.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, select

from app.services.results import (
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
# Rows are shuffled so that their order tells nothing about when anyone answered.
_shuffle = random.SystemRandom().shuffle


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _number(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


def aggregates_csv(results: SurveyResults) -> str:
    """The groups of ``results`` as CSV, one row per campaign and group, hidden ones blank.

    The same groups as the page and the API: a hidden group's row names why
    it is hidden and carries no count, rate or score.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
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
        writer.writerow(
            [
                campaign.id, campaign.opens_at.date().isoformat(), campaign.last_day.isoformat(),
                group.team_id if group.team_id is not None else "", csv_cell(group.name),
                "no" if group.suppressed else "yes", note,
                group.responses if group.responses is not None else "", group.headcount,
                _number(group.response_rate, 1), _number(group.enps, 1), *scores,
            ]
        )  # fmt: skip
    return out.getvalue()


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
    """Raw answers for consultants, anonymised: one row per response, published campaigns only.

    - rows in random order, numbered afresh (no database ids);
    - no day or time: the campaign is the finest time there is;
    - the team is the finest group the published plan shows that holds the
      respondent (``Sales (other)``, ``Other teams``), never a team it hides;
    - campaigns whose whole organisation is under the threshold are left out;
    - a comment is kept only when its row's group is also a group the comment
      plan shows (at least the comment threshold), else the cell is empty.
    Values are as answered (reverse-worded items are not recoded).
    """
    loaded = {g.campaign_id for g in results.groups}
    campaigns = {c.id: c for c in results.published if c.id in loaded}
    plans = {cid: results.plan(cid) for cid in campaigns}
    reportable = sorted(cid for cid, plan in plans.items() if plan.whole_shown)
    keys = list(
        dict.fromkeys(i.key for c in campaigns.values() for i in c.items if i.scale in SCALES)
    )
    labels: dict[tuple[int, int], tuple[str, bool]] = {}
    out_rows: list[list[Any]] = []
    for campaign_id, team_id, comment, *values in _raw_rows(reportable, keys):
        key = (campaign_id, team_id)
        if key not in labels:
            tree = results.trees.get(campaign_id, ())
            labels[key] = _raw_label(plans[campaign_id], tree, team_id)
        label, keep_comment = labels[key]
        out_rows.append(
            [
                campaigns[campaign_id].number,
                csv_cell(label),
                *["" if v is None else v for v in values],
                csv_cell((comment or "") if keep_comment else ""),
            ]
        )
    _shuffle(out_rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["response", "campaign", "team", *keys, "comment"])
    writer.writerows([index, *row] for index, row in enumerate(out_rows, start=1))
    return out.getvalue()


def _raw_rows(campaign_ids: list[int], keys: list[str]) -> Iterable[Any]:
    if not campaign_ids:
        return []
    columns = [func.max(case((Answer.item_key == key, Answer.value))) for key in keys]
    return db.session.execute(
        select(Response.campaign_id, Response.team_id, Response.comment, *columns)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.campaign_id.in_(campaign_ids))
        .group_by(Response.id, Response.campaign_id, Response.team_id, Response.comment)
    ).all()
