"""Browser logins: one ``LoginSession`` row per logged-in browser.

Flask-Login keeps ``get_id()`` of the user in the signed session cookie and, with
"keep me logged in", in the remember-me cookie. Here that id is the login
session's secret token instead of the user's number, so ``load_user`` finds the
user through the row, and deleting the row (logging out, "log out everywhere", a
password change) kills both cookies at once, wherever they were copied to.

Idle expiry costs no database write (a GET never writes): the time of the last
request rides in the signed session cookie. After ``STEPWISE_SESSION_IDLE_MINUTES``
without a request the browser session is forgotten. A login without "keep me
logged in" is then over; a remembered one comes back through its remember-me
cookie, which is what that box promises, for at most ``STEPWISE_REMEMBER_DAYS``
after the login (checked against the row, not only the cookie's expiry).
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.services import accounts
from models import User

LAST_SEEN = "_seen"
# Flask-Login's own keys for the logged-in user in the session cookie.
_LOGIN_KEYS = ("_user_id", "_fresh", "_id")


def now() -> float:
    """Seconds since the epoch; tests replace it to let time pass."""
    return time.time()


def log_in(user: User, *, remember: bool) -> None:
    """Start a login session for this browser."""
    login = accounts.start_login_session(
        user, remember=remember, user_agent=request.headers.get("User-Agent")
    )
    _keep(user, login)


def log_out() -> None:
    """End this browser's login session (its row, then its cookies)."""
    token = session.get("_user_id")
    if isinstance(token, str):
        accounts.end_login_session(token)
    logout_user()
    session.pop(LAST_SEEN, None)


def current_token() -> str:
    token = session.get("_user_id")
    return token if isinstance(token, str) else ""


def keep_after_password_change(login: accounts.NewLogin) -> None:
    """This browser stays logged in, on the fresh session that replaced all the others."""
    _keep(current_user._get_current_object(), login)


def _keep(user: User, login: accounts.NewLogin) -> None:
    days = current_app.config["STEPWISE_REMEMBER_DAYS"]
    login_user(user, remember=login.remember, duration=timedelta(days=days))
    # Flask-Login stored user.get_id() (the user's number); the cookies carry the token.
    session["_user_id"] = login.token
    session[LAST_SEEN] = int(now())


def end_idle_session() -> None:
    """Before each request: forget a browser session idle for too long, else note the
    time. Static files neither count nor touch the cookie (app/assets.py)."""
    # The user comes from this request's cookies, even when requests share an app
    # context (tests and the CLI keep one open; Flask-Login caches the user in ``g``).
    g.pop("_login_user", None)
    if "_user_id" not in session or request.endpoint == "static":
        return
    seen = session.get(LAST_SEEN)
    current = int(now())
    idle_limit = current_app.config["STEPWISE_SESSION_IDLE_MINUTES"] * 60
    if isinstance(seen, int) and current - seen > idle_limit:
        for key in (*_LOGIN_KEYS, LAST_SEEN):
            session.pop(key, None)
        if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies:
            flash(_("You were logged out after a while without activity."), "info")
        return
    session[LAST_SEEN] = current
