"""Static files: fingerprinted URLs, a year of browser caching, bodies compressed once.

``url_for('static', filename=...)`` adds ``?v=<hash of the file's content>``, so
a page always names the exact version of each stylesheet and script it needs.
A request whose ``v`` is the file's current hash is answered with
``Cache-Control: public, max-age=31536000, immutable``: browsers keep it and
never ask again. Any other request (no ``v``, or an old one after an upgrade)
gets the current file with a short cache.

The hash is computed once per version of a file (the file's size and
modification time are checked on each lookup, so an edited file gets a new
hash without a restart). Its gzip and Brotli bodies are made on first demand
and kept in memory: the app's static folder is small, the plotly.js bundle
being the largest file. Dynamic responses (HTML, JSON) are compressed on the
fly by Flask-Compress, set up in ``app.extensions``.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import brotli
from flask import Flask, abort, current_app, request
from flask import Response as FlaskResponse
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

# The official partial plotly.js bundle with the cartesian trace types (scatter,
# bar, heatmap...), from the npm package plotly.js-cartesian-dist-min: see
# app/static/vendor/README.md. Its major version matches the plotly.js the Python
# plotly package was built for.
PLOTLY_BUNDLE = "vendor/plotly-cartesian-4.1.1.min.js"

FINGERPRINT_ARG = "v"
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
SHORT_CACHE = "public, max-age=300"
COMPRESSIBLE = frozenset(
    {
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
        "text/html",
        "text/plain",
        "text/markdown",
    }
)
# Made once per file version, so both use their best ratio that stays fast:
# Brotli 9 packs the 1.5 MB plotly.js bundle in about 0.2 s (quality 11 takes 3 s).
ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "br": lambda body: brotli.compress(body, quality=9),
    "gzip": lambda body: gzip.compress(body, compresslevel=9, mtime=0),
}


@dataclass
class StaticFile:
    stamp: tuple[int, int]  # modification time (ns) and size: a new stamp is a new version
    modified: datetime
    body: bytes
    digest: str
    mimetype: str
    encoded: dict[str, bytes] = field(default_factory=dict)

    @property
    def compressible(self) -> bool:
        return self.mimetype in COMPRESSIBLE


class StaticFiles:
    """The files of one static folder, read, hashed and compressed at most once per version."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        # Plain dicts: two threads meeting on a new version both read it; either result is right.
        self._files: dict[str, StaticFile] = {}

    def find(self, filename: str) -> StaticFile | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        stamp = (info.st_mtime_ns, info.st_size)
        known = self._files.get(filename)
        if known is not None and known.stamp == stamp:
            return known
        with open(path, "rb") as handle:
            body = handle.read()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        found = StaticFile(
            stamp=stamp,
            modified=datetime.fromtimestamp(info.st_mtime, UTC),
            body=body,
            digest=hashlib.sha256(body).hexdigest()[:16],
            mimetype=mimetype,
        )
        self._files[filename] = found
        return found

    def body(self, file: StaticFile, encoding: str | None) -> bytes:
        if encoding is None:
            return file.body
        encoded = file.encoded.get(encoding)
        if encoded is None:
            encoded = file.encoded[encoding] = ENCODERS[encoding](file.body)
        return encoded


def _files() -> StaticFiles:
    files: StaticFiles = current_app.extensions["stepwise_static"]
    return files


def _algorithms() -> list[str]:
    """The encodings Flask-Compress is configured with, best first, that we can make."""
    configured: Any = current_app.config.get("COMPRESS_ALGORITHM", ["gzip"])
    if isinstance(configured, str):
        configured = configured.split(",")
    return [name.strip() for name in configured if name.strip() in ENCODERS]


def _encoding(file: StaticFile) -> str | None:
    """The best encoding the client accepts, or None for the file as it is."""
    if not file.compressible or len(file.body) < current_app.config.get("COMPRESS_MIN_SIZE", 500):
        return None
    best, best_quality = None, 0.0
    for name in _algorithms():
        quality = request.accept_encodings.quality(name)
        if quality > best_quality:
            best, best_quality = name, quality
    return best


def send_static(filename: str) -> Response:
    """The ``static`` endpoint: the file, compressed if the client accepts it, with its cache."""
    files = _files()
    file = files.find(filename)
    if file is None:
        abort(404)
    encoding = _encoding(file)
    encoded = files.body(file, encoding)
    if encoding is not None and len(encoded) >= len(file.body):
        encoding, encoded = None, file.body
    response = current_app.response_class(encoded, mimetype=file.mimetype)
    if encoding is not None:
        response.headers["Content-Encoding"] = encoding
    if file.compressible:
        response.vary.add("Accept-Encoding")
    response.set_etag(f"{file.digest}-{encoding or 'identity'}")
    response.last_modified = file.modified
    fingerprinted = request.args.get(FINGERPRINT_ARG) == file.digest
    response.headers["Cache-Control"] = IMMUTABLE if fingerprinted else SHORT_CACHE
    return response.make_conditional(request)


def fingerprint(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for('static', filename=...)`` names the file's version: ``?v=<content hash>``."""
    if endpoint != "static" or FINGERPRINT_ARG in values or "filename" not in values:
        return
    file = _files().find(values["filename"])
    if file is not None:
        values[FINGERPRINT_ARG] = file.digest


class SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, except that static files leave it alone.

    Flask-Login looks at the session after every request, so Flask would add
    ``Vary: Cookie`` to static files too: browsers would then ask again for
    their cached stylesheet after every login, and no shared cache could keep
    them. A static file never depends on the session; unless something changed
    the session while serving it, its response carries neither the cookie nor
    ``Vary: Cookie``.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: FlaskResponse) -> None:
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    if app.static_folder is None:
        return
    app.extensions["stepwise_static"] = StaticFiles(app.static_folder)
    app.view_functions["static"] = send_static
    app.url_defaults(fingerprint)
    if type(app.session_interface) is SecureCookieSessionInterface:  # not one set on purpose
        app.session_interface = SessionInterface()
