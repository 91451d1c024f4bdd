"""Stepwise settings, read from the environment.

Nothing here is mutated at run time: ``settings_from_env`` builds a plain dict
that ``create_app`` loads, and tests pass their own overrides instead.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

# Anonymity: the common vendor default is 5 respondents; below 3 a group's
# answers can be guessed from who was in the room, so it is never allowed.
DEFAULT_MIN_GROUP_SIZE = 5
LOWEST_MIN_GROUP_SIZE = 3


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says which and why."""


def min_group_size(raw: str | None) -> int:
    if raw is None or raw.strip() == "":
        return DEFAULT_MIN_GROUP_SIZE
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"STEPWISE_MIN_GROUP_SIZE must be a whole number, got {raw!r}") from None
    if value < LOWEST_MIN_GROUP_SIZE:
        raise ConfigError(
            f"STEPWISE_MIN_GROUP_SIZE={value} is refused: groups smaller than "
            f"{LOWEST_MIN_GROUP_SIZE} respondents cannot stay anonymous"
        )
    return value


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


def settings_from_env(instance_path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    production = env.get("STEPWISE_ENV", "development") == "production"
    secret = env.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY must be set when STEPWISE_ENV=production")
        secret = development_secret_key(instance_path)
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "STEPWISE_MIN_GROUP_SIZE": min_group_size(env.get("STEPWISE_MIN_GROUP_SIZE")),
        "STEPWISE_PRODUCTION": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "PASSWORD_HASH_METHOD": "scrypt",
        "INVITATION_DAYS": 14,
        "PAGE_SIZE": 25,
    }
