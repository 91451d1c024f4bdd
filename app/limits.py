"""Abuse limits: how often one client may try what can be guessed or flooded.

Every limit is in :data:`RULES`, keyed by endpoint, and applied per application by
:func:`init_app` (Flask-Limiter, one ``Limiter`` per app, so each app — each test —
counts from zero and can be switched off on its own). A limited request is answered
429 with a Retry-After header by ``app.errors``.

What a limit counts:

- a *guess* (a login that failed, a code or token that matched nothing) counts only
  when it failed, so a person who gets it right never uses up the allowance;
- a *submission* (a pulse answer, a vote, a 360) counts every time, with room for an
  office or a workshop room behind one address.

The counts live in ``STEPWISE_RATELIMIT_STORAGE_URL``: ``memory://`` keeps them per
process (each gunicorn worker counts alone, so the limits multiply by the number of
workers); ``redis://host:6379`` shares them across workers and hosts.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from flask_babel import gettext
from flask_limiter import Limiter
from flask_login import current_user
from werkzeug.wrappers import Response

from insights.translation import ngettext

# --- the numbers, and why ---------------------------------------------------------------
#
# Logins, per account (the typed email): a person who forgot a password tries a few
# variants, waits, tries again; five a minute, twenty an hour, fifty a day never stops
# that, and leaves a guesser 50 tries a day against a 12-character password. The
# growing back-off is the layering: after five the next minute, after twenty the
# hour, after fifty the day is closed, even for the right password.
LOGIN_PER_ACCOUNT = "5 per minute; 20 per hour; 50 per day"
# Logins, per address, across accounts (one machine trying many accounts; a whole
# office behind one NAT address mistyping now and then stays far below).
LOGIN_PER_ADDRESS = "30 per minute; 200 per hour; 1000 per day"
# A code or token that matched nothing (workshop join codes, pulse links, 360 observer
# links, invitations), per address: people arrive by QR code or link, so a wrong one
# is a typo, a few a minute at most even for a room full of people. At 20 a minute a
# 6-character workshop code (31^6 = 887 million) is out of reach for the 4 hours a
# workshop is open (about 4,800 tries).
WRONG_CODE_PER_ADDRESS = "20 per minute; 200 per hour; 1000 per day"
# Pulse answers, per address: a call centre of several hundred people behind one
# address answering within the same minute after a team meeting still fits.
PULSE_ANSWERS_PER_ADDRESS = "600 per minute"
# Workshop joins, votes and 360 observer answers, per address: a workshop room or a
# leadership team on one Wi-Fi, each person sending a form every few seconds at most.
ROOM_SUBMISSIONS_PER_ADDRESS = "120 per minute; 2000 per hour"
# A leader's own 360 answers, per account: saved a few times at most.
SELF_ASSESSMENTS_PER_ACCOUNT = "30 per minute"
# The JSON API, per token: a script reading every page of a large organisation stays
# below; a loop hammering the diagnosis does not.
API_PER_CALLER = "1200 per minute; 20000 per hour"
# The JSON API, requests refused for a missing or wrong token, per address.
API_REFUSED_PER_ADDRESS = "20 per minute; 200 per hour"

# Statuses that are answers to a limit itself: never counted as another attempt.
LIMITED = 429


# --- who is counted ----------------------------------------------------------------------


def client_address() -> str:
    """The client's address; IPv6 by its /64, as one host usually holds a whole /64.

    Behind a proxy this is right only with ``ProxyFix`` configured (``remote_addr`` is
    otherwise the proxy's)."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"address:{address}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"address:{ip.ipv4_mapped}"
        return f"address:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"address:{ip}"


def login_account() -> str:
    """The account a login is for, as typed (lower case, without spaces around it)."""
    return "account:" + request.form.get("email", "").strip().lower()


def signed_in_user() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else client_address()


def api_token() -> str:
    """A digest of the bearer token (the store never holds a token); the address without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return client_address()
    return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]


# --- what is counted ---------------------------------------------------------------------


def failed(response: Response) -> bool:
    """A form that came back instead of moving on (a login or a join that did not work)."""
    return response.status_code not in (302, 303, LIMITED)


def matched_nothing(response: Response) -> bool:
    """A code or token that is unknown (404) or no longer valid (410)."""
    return response.status_code in (404, 410)


def refused_token(response: Response) -> bool:
    return response.status_code == 401


# --- the rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One set of layered limits on an endpoint.

    ``counts`` decides after the response whether the request counts (None: always);
    ``scope`` shares one count between endpoints (the same guess on several pages)."""

    limits: str
    key: Callable[[], str]
    counts: Callable[[Response], bool] | None = None
    methods: tuple[str, ...] | None = None
    scope: str | None = None


POST = ("POST",)
PULSE_GUESSES = Rule(WRONG_CODE_PER_ADDRESS, client_address, matched_nothing, scope="pulse-link")
OBSERVER_GUESSES = Rule(WRONG_CODE_PER_ADDRESS, client_address, matched_nothing, scope="360-link")

RULES: dict[str, tuple[Rule, ...]] = {
    "auth.login": (
        Rule(LOGIN_PER_ACCOUNT, login_account, failed, POST),
        Rule(LOGIN_PER_ADDRESS, client_address, failed, POST),
    ),
    "auth.accept_invitation": (
        Rule(WRONG_CODE_PER_ADDRESS, client_address, matched_nothing, scope="invitation"),
    ),
    "workshop.join": (
        Rule(WRONG_CODE_PER_ADDRESS, client_address, failed, POST, scope="workshop-code"),
        Rule(ROOM_SUBMISSIONS_PER_ADDRESS, client_address, None, POST),
    ),
    "workshop.vote": (Rule(ROOM_SUBMISSIONS_PER_ADDRESS, client_address, None, POST),),
    "pulse.answer": (PULSE_GUESSES,),
    "pulse.thanks": (PULSE_GUESSES,),
    "pulse.submit": (PULSE_GUESSES, Rule(PULSE_ANSWERS_PER_ADDRESS, client_address)),
    "practices.observe": (
        OBSERVER_GUESSES,
        Rule(ROOM_SUBMISSIONS_PER_ADDRESS, client_address, None, POST),
    ),
    "practices.observer_thanks": (OBSERVER_GUESSES,),
    "practices.self_assessment": (Rule(SELF_ASSESSMENTS_PER_ACCOUNT, signed_in_user, None, POST),),
}
# Every route of the JSON API (the blueprint), counted before the token is checked.
API_RULES = (
    Rule(API_PER_CALLER, api_token),
    Rule(API_REFUSED_PER_ADDRESS, client_address, refused_token, scope="api-token"),
)


def init_app(app: Flask) -> None:
    """Bind a Limiter of this app's own to the endpoints in :data:`RULES` and the API."""
    if not app.config["STEPWISE_RATELIMIT_ENABLED"]:
        return
    storage = app.config["STEPWISE_RATELIMIT_STORAGE_URL"]
    shared = not storage.startswith("memory://")
    limiter = Limiter(
        client_address,
        storage_uri=storage,
        # A moving window: no double allowance around the turn of a minute.
        strategy="moving-window",
        key_prefix="stepwise",
        # A shared store that is down must not take the site with it: the limits go on
        # counting in this process until it is back, and errors are logged, not raised.
        swallow_errors=True,
        in_memory_fallback_enabled=shared,
    )
    for endpoint, rules in RULES.items():
        view = app.view_functions[endpoint]  # KeyError: a renamed route lost its limits
        for rule in rules:
            view = _limit(limiter, rule)(view)
        app.view_functions[endpoint] = view
    for rule in API_RULES:
        _limit(limiter, rule)(app.blueprints["api"])
    limiter.init_app(app)
    app.extensions["stepwise_limiter"] = limiter


def _limit(limiter: Limiter, rule: Rule) -> Any:
    methods = list(rule.methods) if rule.methods else None
    if rule.scope:
        return limiter.shared_limit(
            rule.limits, rule.scope, key_func=rule.key, deduct_when=rule.counts, methods=methods
        )
    return limiter.limit(rule.limits, key_func=rule.key, deduct_when=rule.counts, methods=methods)


def retry_after() -> int:
    """Seconds until the limit this request ran into lets one more through (at least 1)."""
    limiter: Limiter | None = current_app.extensions.get("stepwise_limiter")
    breached = limiter.current_limit if limiter is not None else None
    if breached is None:
        return 60
    return max(1, math.ceil(breached.window.reset_time - time.time()))


def wait_phrase(seconds: int) -> str:
    """'a minute', '7 minutes', '3 hours': how long to wait, rounded up, in words."""
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return str(gettext("a minute"))
    if minutes < 120:
        return str(ngettext("%(num)s minute", "%(num)s minutes", minutes))
    hours = math.ceil(minutes / 60)
    return str(ngettext("%(num)s hour", "%(num)s hours", hours))
