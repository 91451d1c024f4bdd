"""Stepwise settings, read from the environment.

Nothing here is mutated at run time: ``settings_from_env`` builds a plain dict
that ``create_app`` loads, and tests pass their own overrides instead.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Anonymity: the common vendor default is 5 respondents; below 3 a group's
# answers can be guessed from who was in the room, so it is never allowed.
DEFAULT_MIN_GROUP_SIZE = 5
LOWEST_MIN_GROUP_SIZE = 3
# Leadership 360s: Kouzes & Posner report observer groups of 3 or more; never fewer.
DEFAULT_MIN_OBSERVERS = 3
LOWEST_MIN_OBSERVERS = 3
# Free-text comments can give their writer away more easily than a score:
# vendors show them only for groups of up to 10; never below the group threshold.
DEFAULT_MIN_COMMENT_GROUP_SIZE = 10


# Executive and consultant pages ship in English; staff pages in every language
# of survey.languages.
DEFAULT_INTERFACE_LANGUAGES = ("en",)

# The largest request body, file uploads included.
MAX_UPLOAD_BYTES = 50 * 2**20


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says which and why."""


def _anonymity_threshold(name: str, raw: str | None, default: int, lowest: int, who: str) -> int:
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < lowest:
        raise ConfigError(
            f"{name}={value} is refused: groups smaller than {lowest} {who} cannot stay anonymous"
        )
    return value


def min_group_size(raw: str | None) -> int:
    return _anonymity_threshold(
        "STEPWISE_MIN_GROUP_SIZE",
        raw,
        DEFAULT_MIN_GROUP_SIZE,
        LOWEST_MIN_GROUP_SIZE,
        "respondents",
    )


def min_observers(raw: str | None) -> int:
    """Observers needed before any 360 observer figure is shown (overall, per group, per item)."""
    return _anonymity_threshold(
        "STEPWISE_MIN_OBSERVERS", raw, DEFAULT_MIN_OBSERVERS, LOWEST_MIN_OBSERVERS, "observers"
    )


def min_comment_group_size(raw: str | None, group_size: int) -> int:
    """Respondents a group needs before its comments are shown: 10 unless set, never fewer
    than ``STEPWISE_MIN_GROUP_SIZE`` (unset, it rises with a larger group threshold)."""
    default = max(DEFAULT_MIN_COMMENT_GROUP_SIZE, group_size)
    return _anonymity_threshold(
        "STEPWISE_MIN_COMMENT_GROUP_SIZE", raw, default, group_size, "respondents"
    )


def development_secret_key(instance_path: Path) -> str:
    """A random key generated once per checkout and kept in ``instance/``.

    Sessions survive a restart of ``make run``, and no secret is ever written
    in the source.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def database_url(raw: str | None, instance_path: Path) -> str:
    if not raw:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'stepwise.db'}"
    # Heroku-style URLs and plain "postgresql://" both mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


SQLITE_SYNCHRONOUS_VALUES = ("OFF", "NORMAL", "FULL", "EXTRA")
# Under WAL, NORMAL loses nothing when the app crashes; a power cut may roll back the
# last few commits, never corrupt (docs/submission-path.md has the figures).
DEFAULT_SQLITE_SYNCHRONOUS = "NORMAL"
# How long a worker trusts what a team link resolved to (the write re-checks it anyway).
DEFAULT_PULSE_LINK_CACHE_SECONDS = 5.0


def sqlite_synchronous(raw: str | None) -> str:
    value = (raw or DEFAULT_SQLITE_SYNCHRONOUS).strip().upper()
    if value not in SQLITE_SYNCHRONOUS_VALUES:
        raise ConfigError(
            f"STEPWISE_SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS_VALUES)}"
        )
    return value


def pulse_link_cache_seconds(raw: str | None) -> float:
    if raw is None or not raw.strip():
        return DEFAULT_PULSE_LINK_CACHE_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ConfigError("STEPWISE_PULSE_LINK_CACHE_SECONDS must be a number of seconds, 0-3600")
    return seconds


def https(raw: str | None, production: bool) -> bool:
    """Served over HTTPS (``STEPWISE_HTTPS``): unset, true exactly in production."""
    if raw is None or not raw.strip():
        return production
    value = raw.strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError("STEPWISE_HTTPS must be true or false")
    return value in ("true", "1", "yes")


def https_settings(enabled: bool) -> dict[str, Any]:
    """HSTS (app/security_headers.py), Secure session and remember-me cookies, https links."""
    return {
        "STEPWISE_HTTPS": enabled,
        "SESSION_COOKIE_SECURE": enabled,
        "REMEMBER_COOKIE_SECURE": enabled,
        "PREFERRED_URL_SCHEME": "https" if enabled else "http",
    }


# A browser session ends after this long without a request; "keep me logged in"
# lasts this many days from the login (docs: README, "Accounts and sessions").
DEFAULT_SESSION_IDLE_MINUTES = 120
DEFAULT_REMEMBER_DAYS = 30


def whole_number(name: str, raw: str | None, default: int, lowest: int, highest: int) -> int:
    if raw is None or not raw.strip():
        return default
    value = int(raw) if raw.strip().isdigit() else -1
    if not lowest <= value <= highest:
        raise ConfigError(f"{name} must be a whole number, {lowest}-{highest}")
    return value


# Abuse limits (app/limits.py): counted in memory, per process, unless a shared store is named.
DEFAULT_RATELIMIT_STORAGE_URL = "memory://"


def ratelimit_enabled(raw: str | None) -> bool:
    """``STEPWISE_RATELIMIT_ENABLED``: on unless switched off (benchmarks send thousands)."""
    value = (raw or "true").strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ConfigError("STEPWISE_RATELIMIT_ENABLED must be true or false")
    return value in ("true", "1", "yes", "on")


def smtp_url(raw: str | None) -> str | None:
    """``STEPWISE_SMTP_URL``: ``smtp://[user:password@]host[:port][?starttls=true]`` or
    ``smtps://…``; unset, email goes to the in-app outbox (app/mail.py)."""
    value = (raw or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("STEPWISE_SMTP_URL must look like smtp://user:password@host:587")
    try:
        parts.port  # noqa: B018 - a bad port raises here, at start-up
    except ValueError:
        raise ConfigError("STEPWISE_SMTP_URL has a port that is not a number") from None
    return value


def base_url(raw: str | None) -> str:
    """``STEPWISE_BASE_URL``: where people reach the app, for the links in emails."""
    value = (raw or "").strip().rstrip("/") or DEFAULT_BASE_URL
    if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
        raise ConfigError("STEPWISE_BASE_URL must look like https://stepwise.example.com")
    return value


DEFAULT_BASE_URL = "http://127.0.0.1:5000"
DEFAULT_MAIL_FROM = "Stepwise <stepwise@localhost>"


def interface_languages(raw: str | None) -> tuple[str, ...]:
    """Languages of the executive and consultant pages, first the default: English
    unless a partner has added a complete catalogue (translations/<code>)."""
    if raw is None or raw.strip() == "":
        return DEFAULT_INTERFACE_LANGUAGES
    codes = tuple(code.strip() for code in raw.split(",") if code.strip())
    for code in codes:
        if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", code):
            raise ConfigError(
                f"STEPWISE_INTERFACE_LANGUAGES: {code!r} is not a language code like en or pt_BR"
            )
    return codes


def settings_from_env(instance_path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    production = env.get("STEPWISE_ENV", "development") == "production"
    secret = env.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY must be set when STEPWISE_ENV=production")
        secret = development_secret_key(instance_path)
    group_size = min_group_size(env.get("STEPWISE_MIN_GROUP_SIZE"))
    imports = env.get("STEPWISE_IMPORTS_DIR", "").strip()
    return {
        **DEFAULTS,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "STEPWISE_MIN_GROUP_SIZE": group_size,
        "STEPWISE_MIN_COMMENT_GROUP_SIZE": min_comment_group_size(
            env.get("STEPWISE_MIN_COMMENT_GROUP_SIZE"), group_size
        ),
        "STEPWISE_MIN_OBSERVERS": min_observers(env.get("STEPWISE_MIN_OBSERVERS")),
        "STEPWISE_PRODUCTION": production,
        "STEPWISE_SQLITE_SYNCHRONOUS": sqlite_synchronous(env.get("STEPWISE_SQLITE_SYNCHRONOUS")),
        "STEPWISE_PULSE_LINK_CACHE_SECONDS": pulse_link_cache_seconds(
            env.get("STEPWISE_PULSE_LINK_CACHE_SECONDS")
        ),
        "STEPWISE_IMPORTS_DIR": imports or None,
        "STEPWISE_SESSION_IDLE_MINUTES": whole_number(
            "STEPWISE_SESSION_IDLE_MINUTES",
            env.get("STEPWISE_SESSION_IDLE_MINUTES"),
            DEFAULT_SESSION_IDLE_MINUTES,
            1,
            7 * 24 * 60,
        ),
        "STEPWISE_REMEMBER_DAYS": whole_number(
            "STEPWISE_REMEMBER_DAYS",
            env.get("STEPWISE_REMEMBER_DAYS"),
            DEFAULT_REMEMBER_DAYS,
            1,
            365,
        ),
        **https_settings(https(env.get("STEPWISE_HTTPS"), production)),
        # How many proxies in front to trust for X-Forwarded-* (0: none).
        "STEPWISE_PROXY_FIX": whole_number(
            "STEPWISE_PROXY_FIX", env.get("STEPWISE_PROXY_FIX"), 0, 0, 10
        ),
        "STEPWISE_RATELIMIT_ENABLED": ratelimit_enabled(env.get("STEPWISE_RATELIMIT_ENABLED")),
        "STEPWISE_RATELIMIT_STORAGE_URL": env.get("STEPWISE_RATELIMIT_STORAGE_URL", "").strip()
        or DEFAULT_RATELIMIT_STORAGE_URL,
        "STEPWISE_SMTP_URL": smtp_url(env.get("STEPWISE_SMTP_URL")),
        "STEPWISE_MAIL_FROM": env.get("STEPWISE_MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM,
        "STEPWISE_BASE_URL": base_url(env.get("STEPWISE_BASE_URL")),
        "STEPWISE_INTERFACE_LANGUAGES": interface_languages(
            env.get("STEPWISE_INTERFACE_LANGUAGES")
        ),
    }


# Every setting the code reads, at its default: ``create_app`` loads these first, so an app
# built from a partial test configuration still has them, and no module keeps a default.
DEFAULTS: dict[str, Any] = {
    "STEPWISE_INTERFACE_LANGUAGES": DEFAULT_INTERFACE_LANGUAGES,
    "STEPWISE_MIN_GROUP_SIZE": DEFAULT_MIN_GROUP_SIZE,
    "STEPWISE_MIN_COMMENT_GROUP_SIZE": DEFAULT_MIN_COMMENT_GROUP_SIZE,
    "STEPWISE_MIN_OBSERVERS": DEFAULT_MIN_OBSERVERS,
    "STEPWISE_PRODUCTION": False,
    "STEPWISE_SQLITE_SYNCHRONOUS": DEFAULT_SQLITE_SYNCHRONOUS,
    "STEPWISE_PULSE_LINK_CACHE_SECONDS": DEFAULT_PULSE_LINK_CACHE_SECONDS,
    # Where uploaded metric files wait between preview and import (None: instance/imports).
    "STEPWISE_IMPORTS_DIR": None,
    # HTTPS (HSTS, Secure cookies, https links) and trusted proxies: app/security_headers.py.
    "STEPWISE_HTTPS": False,
    "STEPWISE_PROXY_FIX": 0,
    # Logins: app/auth/sessions.py.
    "STEPWISE_SESSION_IDLE_MINUTES": DEFAULT_SESSION_IDLE_MINUTES,
    "STEPWISE_REMEMBER_DAYS": DEFAULT_REMEMBER_DAYS,
    # Abuse limits: app/limits.py.
    "STEPWISE_RATELIMIT_ENABLED": True,
    "STEPWISE_RATELIMIT_STORAGE_URL": DEFAULT_RATELIMIT_STORAGE_URL,
    # Email (app/mail.py): no SMTP server means the in-app outbox.
    "STEPWISE_SMTP_URL": None,
    "STEPWISE_MAIL_FROM": DEFAULT_MAIL_FROM,
    "STEPWISE_BASE_URL": DEFAULT_BASE_URL,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "PASSWORD_HASH_METHOD": "scrypt",
    "INVITATION_DAYS": 14,
    "PAGE_SIZE": 25,
    # Uploads (metric imports): a 100,000-row CRM activity log is about 6 MB.
    "MAX_CONTENT_LENGTH": MAX_UPLOAD_BYTES,
}
