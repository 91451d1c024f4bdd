"""Every published campaign's shown team means, decoded once per worker and kept.

A published campaign's groups never change (``publication``), but reading them means
decoding each group's JSON list of dimensions: on a 20,000-person organisation, 25
campaigns of 200 teams are 2.8 MB of JSON and 50,000 small lists, about 200 ms a
request (bench/effects.py). "Did it work?" reads them on every dashboard, so the
decoded means are kept in the app (one cache per worker), keyed by campaign id *and*
publication time (an id SQLite reuses after a deletion comes with a new time), at most
``CACHE_CAMPAIGNS`` campaigns, least recently used first out.

Only shown team groups are kept: what every results page may already show.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from app.services.results.groups import RECOMMEND_KEY
from models import Campaign, PublishedGroup, Survey, db

CACHE_CAMPAIGNS = 128
_EXTENSION = "stepwise_published_team_means"
_lock = threading.Lock()


@dataclass(frozen=True)
class CampaignMeans:
    """One published campaign: its closing day and, per dimension key (eNPS under
    ``RECOMMEND_KEY``), each shown team's mean."""

    closes_on: date
    by_dimension: dict[str, dict[int, float]]


def published_team_means(initiative_id: int) -> list[CampaignMeans]:
    """The initiative's published campaigns, oldest first, each with its shown team means."""
    campaigns = db.session.execute(
        select(Campaign.id, Campaign.published_at, Campaign.closes_at)
        .join(Survey, Survey.id == Campaign.survey_id)
        .where(Survey.initiative_id == initiative_id, Campaign.published_at.is_not(None))
        .order_by(Campaign.closes_at, Campaign.id)
    ).all()
    cache: OrderedDict[tuple[int, datetime], CampaignMeans]
    cache = current_app.extensions.setdefault(_EXTENSION, OrderedDict())
    with _lock:
        missing = {
            c.id: c.closes_at.date() for c in campaigns if (c.id, c.published_at) not in cache
        }
    decoded = _decode(missing) if missing else {}
    found = []
    with _lock:
        for c in campaigns:
            key = (c.id, c.published_at)
            means = decoded.get(c.id) or cache.get(key)
            assert means is not None
            cache[key] = means
            cache.move_to_end(key)
            found.append(means)
        while len(cache) > CACHE_CAMPAIGNS:
            cache.popitem(last=False)
    return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Decoding allocates tens of thousands of small lists: in a large heap each burst
    sets off the cyclic garbage collector (162 ms against 56 ms measured); none of
    them can form a cycle, so it waits until the decoding is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode(closes_on: dict[int, date]) -> dict[int, CampaignMeans]:
    by_campaign: dict[int, dict[str, dict[int, float]]] = {cid: {} for cid in closes_on}
    rows = db.session.execute(
        select(
            PublishedGroup.campaign_id,
            PublishedGroup.team_id,
            PublishedGroup.dimensions,
            PublishedGroup.enps,
        ).where(
            PublishedGroup.campaign_id.in_(list(closes_on)),
            PublishedGroup.status == "shown",
            PublishedGroup.team_id.is_not(None),
        )
    )
    with _collector_paused():
        for campaign_id, team_id, dimensions, enps in rows:
            means = by_campaign[campaign_id]
            for key, mean, _ in dimensions or ():
                if mean is not None:
                    means.setdefault(key, {})[team_id] = float(mean)
            if enps is not None:
                means.setdefault(RECOMMEND_KEY, {})[team_id] = float(enps)
    return {cid: CampaignMeans(closes_on[cid], means) for cid, means in by_campaign.items()}
