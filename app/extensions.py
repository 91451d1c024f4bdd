"""Flask extensions, bound to an app in ``init_app``."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect
from sqlalchemy import event

from app import PROJECT_ROOT
from app.services import accounts
from config import sqlite_synchronous
from models import User, db
from survey.languages import N_

migrate = Migrate(directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()

# Flask-Compress: what is compressed on the fly. Static files are compressed once
# and cached by app.assets, which uses the same algorithms and size threshold.
COMPRESSION = {
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ],
    # Brotli where the browser offers it (over HTTPS and on localhost), else gzip.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_LEVEL": 6,
    "COMPRESS_BR_LEVEL": 4,
    # Below about half a kilobyte the headers weigh more than compression saves.
    "COMPRESS_MIN_SIZE": 500,
    # Streamed responses (send_file, generators) pass through as they are: compressing
    # them would hold chunks back until the compressor's buffer fills.
    "COMPRESS_STREAMS": False,
}


# SQLite's synchronous setting under WAL (docs/submission-path.md has the figures).
# NORMAL: a commit is not synced; the WAL is synced at each checkpoint. An app
# crash loses nothing; a power cut or OS crash may roll back the last
# transactions, never corrupting the database. FULL syncs every commit.


def _sqlite_pragmas(synchronous: str) -> Any:
    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers run while a pulse is being written; the busy
        # timeout makes concurrent writers wait instead of failing; SQLite
        # leaves foreign keys off unless asked.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return pragmas


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(
                db.engine,
                "connect",
                _sqlite_pragmas(sqlite_synchronous(app.config["STEPWISE_SQLITE_SYNCHRONOUS"])),
            )
    migrate.init_app(app, db)
    csrf.init_app(app)
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    # One per app: Flask-Compress keeps the settings it read from the app it was given.
    app.extensions["compress"] = Compress(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Please log in to see that page.")
    login_manager.localize_callback = gettext  # translated when flashed
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    """The user of the login session whose token the cookie carries (app/auth/sessions.py);
    None once that session has ended."""
    return accounts.user_for_login(login_id)
