"""A one-time invitation link that survives a reload of the page that made it.

An invitation's token is stored only as a hash, so the page that creates it is
the only place its link can be read. Rather than render it in the answer to the
POST (lost on a reload, or a second invitation on "resend"), the view keeps the
link in this browser's signed session cookie under the page it belongs to and
redirects; the page shows it until the person dismisses it or the login ends. A
link is shown only to the login that made it: after a logout, or when someone
else logs in on the same browser, it is gone.
"""

from __future__ import annotations

from flask import session

from app.auth.sessions import current_token

KEY = "kept_links"
# Only the newest few are kept, so the cookie stays small.
MOST = 5


def keep(page: str, link: str) -> None:
    """Show ``link`` on ``page`` from now on, for this login only."""
    links = {name: value for name, value in _links().items() if name != page}
    links[page] = link
    session[KEY] = {"login": current_token(), "links": dict(list(links.items())[-MOST:])}


def kept(page: str) -> str | None:
    """The link kept for ``page`` by this login, if any."""
    return _links().get(page)


def dismiss(page: str) -> None:
    links = _links()
    if links.pop(page, None) is not None:
        session[KEY] = {"login": current_token(), "links": links}


def _links() -> dict[str, str]:
    entry = session.get(KEY)
    if not isinstance(entry, dict) or entry.get("login") != current_token():
        return {}
    links = entry.get("links")
    return dict(links) if isinstance(links, dict) else {}
