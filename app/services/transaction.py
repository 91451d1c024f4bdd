"""Services own their transactions: each user action commits when it is complete.

A caller that composes many actions into one (loading the demo) runs them in
:func:`one_transaction`: their commits become flushes and everything is
committed, or rolled back, at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from models import db

_composed: ContextVar[bool] = ContextVar("stepwise_composed_transaction", default=False)


def commit() -> None:
    """Commit the action's work, or only flush it inside :func:`one_transaction`."""
    if _composed.get():
        db.session.flush()
    else:
        db.session.commit()


@contextmanager
def one_transaction() -> Iterator[None]:
    """Run several actions as one transaction: all of them are stored, or none."""
    token = _composed.set(True)
    try:
        yield
    except BaseException:
        _composed.reset(token)
        db.session.rollback()
        raise
    _composed.reset(token)
    db.session.commit()
