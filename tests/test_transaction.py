"""Services commit their own action; the demo composes many actions into one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import demo
from app.services import organizations
from app.services.transaction import commit, one_transaction
from models import Organization, Stage, User, db


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_demo_that_fails_half_way_leaves_nothing_behind(
    app, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    before = (_count(Organization), _count(User), _count(Stage))

    def broken(*_: object) -> None:
        raise RuntimeError("the metrics could not be loaded")

    # Rounds, 360s and pulses are stored by services that commit on their own...
    monkeypatch.setattr(demo, "_demo_metrics", broken)
    with pytest.raises(RuntimeError):
        demo.seed_demo()
    # ...yet none of it stays: the demo is one transaction.
    assert (_count(Organization), _count(User), _count(Stage)) == before
    assert organizations.organization_by_name(demo.DEMO_ORGANIZATION) is None
    monkeypatch.undo()
    assert demo.seed_demo() is demo.SeedResult.CREATED
    assert organizations.organization_by_name(demo.DEMO_ORGANIZATION) is not None


def test_a_commit_inside_one_transaction_waits_for_its_end(app) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), one_transaction():
        organizations.create_organization("Composed Ltd")
        commit()  # only a flush here
        raise RuntimeError("a later step failed")
    assert organizations.organization_by_name("Composed Ltd") is None
    # Outside, a service's commit is final.
    organizations.create_organization("Committed Ltd")
    commit()
    db.session.rollback()
    assert organizations.organization_by_name("Committed Ltd") is not None
