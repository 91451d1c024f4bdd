"""Watch for writes during GET and HEAD requests (the rule: reading never changes data).

Links, prefetching, crawlers and retries follow GETs freely, so a GET that writes
changes data nobody asked to change. ``GetWriteGuard`` listens to every session
flush and every SQL statement while it is active and records each one made while a
GET or HEAD request is handled, naming the route.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

READ_METHODS = frozenset({"GET", "HEAD"})
WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE")
# The one write a GET may make: the audit entry of an audited read (the raw-answers
# download, app/services/audit.record_read). It records the read; it changes no data.
AUDIT_INSERT = "INSERT INTO AUDIT_EVENT"  # compared with the upper-cased statement


def reading_route() -> str | None:
    """``"GET /path (endpoint)"`` while a GET or HEAD request is handled, else None."""
    if not has_request_context() or request.method not in READ_METHODS:
        return None
    return f"{request.method} {request.full_path.rstrip('?')} ({request.endpoint})"


class GetWriteGuard:
    """A context manager collecting, in ``writes``, what GET requests wrote meanwhile."""

    def __init__(self) -> None:
        self.writes: list[str] = []

    def __enter__(self) -> GetWriteGuard:
        event.listen(Session, "before_flush", self._before_flush)
        event.listen(Engine, "before_cursor_execute", self._before_cursor_execute)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        event.remove(Session, "before_flush", self._before_flush)
        event.remove(Engine, "before_cursor_execute", self._before_cursor_execute)

    def report(self) -> str:
        """One line per route and write, in the order they happened; empty when none."""
        return "\n".join(f"  {line}" for line in dict.fromkeys(self.writes))

    def _before_flush(self, session: Session, *_: Any) -> None:
        route = reading_route()
        objects = [*session.new, *session.deleted, *filter(session.is_modified, session.dirty)]
        objects = [o for o in objects if type(o).__name__ != "AuditEvent"]
        if route and objects:
            kinds = ", ".join(sorted({type(o).__name__ for o in objects}))
            self.writes.append(f"{route} flushed changes to {kinds}")

    def _before_cursor_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        route = reading_route()
        text = statement.lstrip().upper()
        if route and text.startswith(WRITE_STATEMENTS) and not text.startswith(AUDIT_INSERT):
            self.writes.append(f"{route} ran {' '.join(statement.split())[:120]}")
