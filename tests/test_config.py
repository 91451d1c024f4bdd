"""Settings from the environment: pure functions, an explicit environ, no app."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from config import ConfigError, settings_from_env

SECRET = {"SECRET_KEY": "from-the-environment"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(None, 5, id="unset-means-5"),
        pytest.param("", 5, id="empty-means-5"),
        pytest.param("3", 3, id="3-is-the-lowest-allowed"),
        pytest.param(" 8 ", 8, id="spaces-ignored"),
        pytest.param("12", 12, id="larger"),
    ],
)
def test_min_group_size(tmp_path: Path, raw: str | None, expected: int) -> None:
    environ = dict(SECRET) if raw is None else {**SECRET, "STEPWISE_MIN_GROUP_SIZE": raw}
    assert settings_from_env(tmp_path, environ)["STEPWISE_MIN_GROUP_SIZE"] == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param("2", "cannot stay anonymous", id="2-too-small"),
        pytest.param("0", "cannot stay anonymous", id="zero"),
        pytest.param("-5", "cannot stay anonymous", id="negative"),
        pytest.param("abc", "whole number", id="not-a-number"),
        pytest.param("3.5", "whole number", id="fraction"),
    ],
)
def test_unsafe_min_group_size_is_refused(tmp_path: Path, raw: str, reason: str) -> None:
    with pytest.raises(ConfigError, match="STEPWISE_MIN_GROUP_SIZE") as refused:
        settings_from_env(tmp_path, {**SECRET, "STEPWISE_MIN_GROUP_SIZE": raw})
    assert reason in str(refused.value)


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings_from_env(tmp_path, {"STEPWISE_ENV": "production"})
    assert not (tmp_path / "secret_key").exists(), "no key is invented in production"


def test_production_uses_the_given_secret_key_and_secure_cookies(tmp_path: Path) -> None:
    settings = settings_from_env(tmp_path, {**SECRET, "STEPWISE_ENV": "production"})
    assert settings["SECRET_KEY"] == "from-the-environment"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_private_key_file_once_and_reuses_it(tmp_path: Path) -> None:
    instance = tmp_path / "instance"

    first = settings_from_env(instance, {})["SECRET_KEY"]
    key_file = instance / "secret_key"
    second = settings_from_env(instance, {})["SECRET_KEY"]

    assert len(first) >= 32
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert second == first
    assert settings_from_env(tmp_path / "elsewhere", {})["SECRET_KEY"] != first


def test_database_defaults_to_a_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    url = settings_from_env(instance, SECRET)["SQLALCHEMY_DATABASE_URI"]
    assert url == f"sqlite:///{instance / 'stepwise.db'}"
    assert instance.is_dir(), "the folder exists, so SQLite can create the file"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db:5432/stepwise", "postgresql+psycopg://u:p@db:5432/stepwise"),
        ("postgresql://u:p@db/stepwise", "postgresql+psycopg://u:p@db/stepwise"),
        ("postgresql+psycopg://u@db/stepwise", "postgresql+psycopg://u@db/stepwise"),
        ("sqlite:////var/lib/stepwise.db", "sqlite:////var/lib/stepwise.db"),
    ],
)
def test_database_url_always_means_psycopg_3_for_postgresql(
    tmp_path: Path, given: str, used: str
) -> None:
    settings = settings_from_env(tmp_path, {**SECRET, "DATABASE_URL": given})
    assert settings["SQLALCHEMY_DATABASE_URI"] == used


def test_every_setting_has_its_default_in_config_and_a_row_in_the_readme() -> None:
    import re
    from pathlib import Path

    import config

    readme = (Path(config.__file__).parent / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M))
    ours = {key for key in config.DEFAULTS if key.startswith("STEPWISE_")} - {"STEPWISE_PRODUCTION"}
    assert ours - documented == set()
    # Every STEPWISE_ setting the code reads is one of them.
    read = set()
    for path in (Path(config.__file__).parent / "app").rglob("*.py"):
        read |= set(re.findall(r"config\[\"(STEPWISE_[A-Z_]+)\"\]", path.read_text()))
    assert read <= set(config.DEFAULTS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("  ", None),
        ("smtp://mail.example.com:587?starttls=true", "smtp://mail.example.com:587?starttls=true"),
        ("smtps://user:secret@mail.example.com", "smtps://user:secret@mail.example.com"),
    ],
)
def test_smtp_url_is_optional_and_kept(
    tmp_path: Path, raw: str | None, expected: str | None
) -> None:
    env = {} if raw is None else {"STEPWISE_SMTP_URL": raw}
    assert settings_from_env(tmp_path, env)["STEPWISE_SMTP_URL"] == expected


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("STEPWISE_SMTP_URL", "mail.example.com:25"),
        ("STEPWISE_SMTP_URL", "http://mail.example.com"),
        ("STEPWISE_SMTP_URL", "smtp://mail.example.com:port"),
        ("STEPWISE_BASE_URL", "stepwise.example.com"),
        ("STEPWISE_BASE_URL", "ftp://stepwise.example.com"),
    ],
)
def test_mail_settings_that_cannot_work_stop_the_start(tmp_path: Path, name: str, raw: str) -> None:
    with pytest.raises(ConfigError, match=name):
        settings_from_env(tmp_path, {name: raw})


def test_base_url_loses_its_trailing_slash(tmp_path: Path) -> None:
    env = {"STEPWISE_BASE_URL": "https://stepwise.example.com/"}
    assert settings_from_env(tmp_path, env)["STEPWISE_BASE_URL"] == "https://stepwise.example.com"
