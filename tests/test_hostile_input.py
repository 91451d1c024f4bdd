"""Hostile input on every form and every import: no 5xx, nothing half-written, a named problem.

Every POST route of the access matrix (tests/test_access_matrix.py, itself complete) is
posted to by a visitor who may use it, with the fields of the forms that post there
(found on the matrix's own pages) filled by Hypothesis with what a careless or hostile
sender types: 10,000-character strings, right-to-left overrides, zero-width and NUL
characters, emoji, formula-looking text, numbers that are not numbers, bytes that are not
UTF-8, fields missing, repeated or unknown. Imports (metric files on the page and the API,
teams pasted from a spreadsheet, personal links) get files in UTF-16 and UTF-8 with BOMs,
Latin-1, binary garbage, empty and header-only files, huge rows and formula cells.

Each answer must be below 500; a refusal (4xx) must name its problem on the page and leave
every table as it was. Runs on SQLite and PostgreSQL: PostgreSQL refuses an overlong string
or a NUL where SQLite stores it, so only both together find a missing length check.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from werkzeug.exceptions import MethodNotAllowed, NotFound

from models import db
from tests.builders import api_headers, login
from tests.conftest import World
from tests.test_access_matrix import PUBLIC, ROUTES, WHO, _ids

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# --- what a hostile sender types --------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x.test\",\"y\")", "+1+1", "-2+3", "@SUM(A1)",
            "\t=1", "\r=1"]  # fmt: skip
ODD_TEXT = [
    "", " ", "\u202eevil\u202c", "a\u200bb\u200d", "👩‍👩‍👧 🚀", "a\x00b", "\x00",
    "<script>alert(1)</script>", "' OR 1=1 --", "%s%n%x", "../../etc/passwd", "１２３", "٣٤",
    "ǅ\u0301\u0301\u0301", "\r\n\r\n",
    "1e309", "-1e309", "NaN", "inf", "-1", "0", "99999999999999999999", "1.5", "2026-02-30",
    "9999-12-31", "0000-00-00", "true", "null", "[]", "{}", *FORMULAS,
]  # fmt: skip
# Bytes that are not UTF-8 (a lone surrogate, an overlong slash, a BOM of UTF-16): only a
# raw form body can carry them.
RAW_BYTES = [b"\xed\xa0\x80", b"\xc0\xaf", b"\xff\xfe=\x001\x00", b"ok\xff"]

long_text = st.builds(
    lambda unit, extra: unit * (10_001 // len(unit) + 1) + extra,
    st.sampled_from(["x", "é", "👩‍👩‍👧", "=1+", "\u202e", "a b "]),
    st.text(max_size=3),
)
hostile_text = st.one_of(
    st.sampled_from(ODD_TEXT),
    long_text,
    st.text(st.characters(codec="utf-8"), max_size=40),
)
hostile_value = st.one_of(hostile_text, st.sampled_from(RAW_BYTES))

# --- the forms, as the pages show them ----------------------------------------------------


@dataclass
class FormField:
    """One named control of a form: its kind, the value the page fills in, its options."""

    kind: str
    value: str | None = None
    options: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    """Every ``<form method="post">`` of a page: its action and its named controls."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str | None, dict[str, FormField]]] = []
        self._current: dict[str, FormField] | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = {}
            self.forms.append((a.get("action"), self._current))
        if self._current is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name = str(a["name"])
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            known = self._current.setdefault(name, FormField(kind))
            if kind in ("radio", "checkbox"):
                known.options.append(a.get("value") or "on")
                if "checked" in a:
                    known.value = a.get("value") or "on"
            else:
                known.value = a.get("value")
        elif tag == "select":
            self._select = self._current.setdefault(name, FormField("select"))
        elif tag == "textarea":
            self._textarea = self._current.setdefault(name, FormField("textarea", ""))
        elif tag == "option" and self._select is not None:
            self._option(a)

    def _option(self, a: dict[str, str | None]) -> None:
        assert self._select is not None
        value = a.get("value") or ""
        self._select.options.append(value)
        if "selected" in a or self._select.value is None:
            self._select.value = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value = (self._textarea.value or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _post_rule(app: Flask, url: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(urlsplit(url).path, method="POST", return_rule=True)
    except (NotFound, MethodNotAllowed):
        return None
    return str(rule.rule)


# The fields of every form per POST rule, found once on the matrix's pages.
_FIELDS: dict[str, dict[str, FormField]] = {}


def _discover(
    app: Flask, client: FlaskClient, world: World, ids: dict[str, int | str]
) -> dict[str, dict[str, FormField]]:
    """Visit every GET page of the matrix as everyone who may see it; keep each form."""
    if _FIELDS:
        return _FIELDS
    for index, who in enumerate(WHO):
        client.post("/logout")
        login(client, world.user(who))
        for method, path, _, statuses in ROUTES:
            if method != "GET" or statuses[index] != 200 or path.startswith("/api/"):
                continue
            url = path.format(**ids)
            page = client.get(url)
            html = page.get_data(as_text=True) if page.mimetype == "text/html" else ""
            page.close()  # exports are streamed
            parser = _Forms()
            parser.feed(html)
            for action, fields in parser.forms:
                rule = _post_rule(app, action or url)
                if rule is not None:
                    known = _FIELDS.setdefault(rule, {})
                    for name, found in fields.items():
                        known.setdefault(name, found)
    return _FIELDS


# --- who posts where --------------------------------------------------------------------


def _visitor(path: str, statuses: tuple[int, ...]) -> str:
    """Who may use the route: someone whose post is read (422 or 200) rather than turned away."""
    allowed = [
        (who, status)
        for who, status in zip(WHO, statuses, strict=True)
        if status not in (403, 404) and (who != "anonymous" or path.startswith(PUBLIC))
    ]
    preference = ("consultant", "admin", "executive", "anonymous", "outsider")
    allowed.sort(key=lambda pair: (pair[1] not in (200, 422), preference.index(pair[0])))
    return allowed[0][0] if allowed else "consultant"  # the metric import's later steps


POSTS = {
    path: (data or {}, _visitor(path, statuses))
    for method, path, data, statuses in ROUTES
    if method == "POST" and not path.startswith("/api/")
}


def _table_counts() -> dict[str, int]:
    """Rows in every table, in one query."""
    db.session.rollback()  # a fresh snapshot: SQLite's WAL would show the old one
    names = [table.name for table in db.metadata.sorted_tables]
    query = " UNION ALL ".join(f"SELECT '{n}', COUNT(*) FROM \"{n}\"" for n in names)  # noqa: S608
    return {name: count for name, count in db.session.execute(text(query)).all()}


def _encode(pairs: list[tuple[str, str | bytes]]) -> bytes:
    """A form body as a browser would send it, but able to carry bytes that are not UTF-8."""
    return b"&".join(
        quote_from_bytes(k.encode()).encode()
        + b"="
        + quote_from_bytes(
            v if isinstance(v, bytes) else v.encode("utf-8", "surrogatepass")
        ).encode()
        for k, v in pairs
    )


# A value each kind of control accepts, for fields the page leaves empty: so that one
# hostile field among valid ones reaches the service and the database.
PLAIN = {"date": "2026-06-01", "number": "5", "email": "new.person@acme.example",
         "password": "correct horse battery staple 9", "checkbox": "y"}  # fmt: skip


def _plain(name: str, known: FormField) -> str:
    if known.value:
        return known.value
    options = [option for option in known.options if option]
    if options:
        return options[0]
    if "email" in name:
        return PLAIN["email"]
    if "date" in name or name in ("held_on", "opens_on", "last_day"):
        return PLAIN["date"]
    return PLAIN.get(known.kind, "Plain words 1")


@st.composite
def hostile_form(
    draw: st.DrawFn, fields: dict[str, FormField], data: dict[str, str]
) -> list[tuple[str, str | bytes]]:
    """Valid values with one replaced by a hostile one, or, as often, everything mixed up:
    values replaced, dropped, repeated, other choices, and unknown fields added."""
    names = {**{name: FormField("text", value) for name, value in data.items()}, **fields}
    plain: list[tuple[str, str | bytes]] = [(n, _plain(n, known)) for n, known in names.items()]
    focused = draw(st.booleans())
    if plain and focused:
        target = draw(st.sampled_from(sorted(names)))
        return [(n, draw(hostile_value) if n == target else v) for n, v in plain]
    pairs: list[tuple[str, str | bytes]] = []
    for name, known in names.items():
        choice = draw(st.sampled_from(["keep", "hostile", "hostile", "drop", "repeat", "option"]))
        value: str | bytes = _plain(name, known)
        if choice == "drop":
            continue
        if choice == "hostile":
            value = draw(hostile_value)
        elif choice == "option" and known.options:
            value = draw(st.sampled_from(known.options))
        pairs.append((name, value))
        if choice == "repeat":
            pairs.append((name, draw(hostile_value)))
    extra = draw(st.lists(st.tuples(hostile_text.filter(bool), hostile_value), max_size=2))
    return pairs + extra


def _names_a_problem(body: str) -> bool:
    return bool(re.search(r'class="(error|error-summary|flash flash-error)"', body))


# Every placeholder of the matrix at once: one 360, one campaign, one workshop... per world.
EVERYTHING = "{cycle}{survey}{survey_action}{evidence}{workshop}{invite}{sent_mail}"


@pytest.fixture
def client(app: Flask, make_app: Callable[..., Flask]) -> FlaskClient:
    """A client of the app without abuse limits, so that every example reaches the form."""
    return make_app(STEPWISE_RATELIMIT_ENABLED=False).test_client()


@pytest.mark.parametrize("path", sorted(POSTS))
def test_hostile_posts_to_every_form(
    app: Flask, client: FlaskClient, world: World, path: str
) -> None:
    ids = _ids(world, EVERYTHING)
    url = path.format(**ids)
    fields = dict(_discover(app, client, world, ids).get(_post_rule(app, url) or "", {}))
    fields.pop("csrf_token", None)
    data, who = POSTS[path]
    client.post("/logout")
    login(client, world.user(who))
    if TOKEN in url:  # the matrix names no upload; these steps need a real one
        url, fields = _upload_step(app, client, url)

    def check(pairs: list[tuple[str, str | bytes]]) -> None:
        before = _table_counts()
        response = client.post(
            url, data=_encode(pairs), content_type="application/x-www-form-urlencoded"
        )
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (pairs, body[:500])
        if 400 <= response.status_code < 500:
            assert _table_counts() == before, f"a refused post wrote: {pairs!r}"
        if response.status_code == 422 and response.mimetype == "text/html":
            # 400 (a request no page sends, e.g. a button without its value) has its own page.
            assert _names_a_problem(body), (pairs, body[:2000])

    # Every field, in turn, 10,001 characters long among valid values: a column without a
    # length check answers 500 on PostgreSQL.
    names = {**{name: FormField("text", value) for name, value in data.items()}, **fields}
    for target in sorted(names):
        check([(n, "é" * 10_001 if n == target else _plain(n, f)) for n, f in names.items()])

    @SETTINGS
    @given(pairs=hostile_form(fields, data))
    def post(pairs: list[tuple[str, str | bytes]]) -> None:
        check(pairs)

    post()


TOKEN = "AAAAAAAAAAAAAAAAAAAAAA"
LOG = "user,timestamp,team\nana,2026-06-01T09:00:00,Claims\nben,2026-06-02T10:30:00,Claims\n"
TIDY = "date,team,metric,value\n2026-06-01,Claims,csat,82\n"


def _upload_step(app: Flask, client: FlaskClient, url: str) -> tuple[str, dict[str, FormField]]:
    """``url`` with a real upload's token (an activity log for the mapping step, a tidy
    file for the others), and the fields of the page that posts to it."""
    step = url.rsplit("/", 1)[1]
    base = url.split("/import/")[0] + "/import"
    kind, content = ("activity_log", LOG) if step == "map" else ("tidy", TIDY)
    upload = client.post(
        base,
        data={"kind": kind, "file": (io.BytesIO(content.encode()), "data.csv"),
              "date_format": "iso", "on_conflict": "reject"},
        content_type="multipart/form-data",
    )  # fmt: skip
    token = upload.headers["Location"].split("/import/")[1].split("/")[0]
    url = url.replace(TOKEN, token)
    page = client.get(url if step == "map" else f"{base}/{token}/preview")
    parser = _Forms()
    parser.feed(page.get_data(as_text=True))
    rule = _post_rule(app, url)
    fields: dict[str, FormField] = {}
    for action, found in parser.forms:
        if _post_rule(app, action or url) == rule:
            fields.update(found)
    fields.pop("csrf_token", None)
    return url, fields


def test_every_post_route_gets_hostile_input(app: Flask) -> None:
    """A new form is covered as soon as the access matrix names it (its own test demands so)."""
    routed = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")
    }
    covered = {_post_rule(app, re.sub(r"\{[a-z_]+\}", "1", path)) for path in POSTS}
    assert routed <= covered, sorted(routed - covered)


# --- every import, with the files people really send -------------------------------------


def _files(header: str, row: str) -> dict[str, bytes]:
    """Hostile variants of a file whose good form is ``header`` then ``row``."""
    good = f"{header}\n{row}\n"
    formulas = ",".join(FORMULAS[: header.count(",") + 1])
    return {
        "utf-16 with BOM": good.encode("utf-16"),
        "utf-16-le without BOM": good.encode("utf-16-le"),
        "utf-8 with BOM": good.encode("utf-8-sig"),
        "latin-1": f"{header}\n{row.replace('a', 'é')}\n".encode("latin-1"),
        "binary": bytes(range(256)) * 40,
        "xlsx": b"PK\x03\x04\x14\x00\x06\x00" + bytes(2000),
        "empty": b"",
        "header only": f"{header}\n".encode(),
        "huge row": f"{header}\n{row}{'x' * 200_000}\n".encode(),
        "5,000 columns": (",".join(f"c{i}" for i in range(5000)) + "\n").encode(),
        "formula cells": f"{header}\n{formulas}\n".encode(),
        "NUL": f"{header}\n{row}\x00\n".encode(),
        "ragged": f"{header}\n{row.split(',')[0]}\n{row},{row},{row}\n".encode(),
        "lone surrogate": f"{header}\n".encode() + b"\xed\xa0\x80," + row.encode() + b"\n",
    }


METRIC_FILES = _files("date,team,metric,value", "2026-06-01,Claims,csat,82")
LINK_FILES = _files("email,team", "ana@acme.example,Claims")
TEAM_FILES = _files("team,headcount", "Sales,12")


def _refused_cleanly(response: Any, before: dict[str, int], what: str) -> None:
    """Below 500; a refusal changed nothing and says what was wrong."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (what, body[:1000])
    if 400 <= response.status_code < 500:
        assert _table_counts() == before, f"{what}: a refused import wrote"
        if response.mimetype == "text/html":
            assert _names_a_problem(body), (what, body[:2000])
        else:
            assert response.json and response.json.get("error"), (what, body[:1000])
            assert all(row["line"] >= 1 for row in response.json.get("rows", [])), what


@pytest.mark.parametrize("name", sorted(METRIC_FILES))
def test_hostile_files_to_every_import(client: FlaskClient, world: World, name: str) -> None:
    """The metric import page (each kind of file, through every step it leads to), the
    metric API, personal links, and teams pasted from a spreadsheet."""
    ids = _ids(world, "{campaign}")
    headers = {**api_headers(world.consultant), "Content-Type": "text/csv"}
    login(client, world.consultant)
    for kind in ("tidy", "wide", "activity_log"):
        _metric_page_import(client, world, METRIC_FILES[name], f"{kind} {name}", kind)
    before = _table_counts()
    url = f"/api/v1/initiatives/{world.initiative.id}/metrics"
    _refused_cleanly(client.post(url, data=METRIC_FILES[name], headers=headers), before, name)
    before = _table_counts()
    links = client.post(
        f"/campaigns/{ids['campaign']}/personal-links",
        data={"file": (io.BytesIO(LINK_FILES[name]), "people.csv")},
        content_type="multipart/form-data",
    )
    _refused_cleanly(links, before, f"links {name}")
    # Teams are pasted, not uploaded: the text a browser would submit from such a file.
    pasted = TEAM_FILES[name].decode("utf-8", "replace").replace("\x00", "")
    before = _table_counts()
    url = f"/orgs/{world.organization.id}/teams/import"
    _refused_cleanly(client.post(url, data={"import-lines": pasted}), before, f"teams {name}")


def _metric_page_import(
    client: FlaskClient, world: World, content: bytes, what: str, kind: str
) -> None:
    """Upload, then every later step the answer leads to (map, preview, confirm)."""
    before = _table_counts()
    upload = client.post(
        f"/initiatives/{world.initiative.id}/metrics/import",
        data={"kind": kind, "file": (io.BytesIO(content), "data.csv"),
              "date_format": "iso", "on_conflict": "reject"},
        content_type="multipart/form-data",
    )  # fmt: skip
    _refused_cleanly(upload, before, f"upload {what}")
    location = upload.headers.get("Location", "")
    if upload.status_code != 302 or "/import/" not in location:
        return
    step = client.get(location)
    assert step.status_code < 500, step.get_data(as_text=True)[:1000]
    if location.endswith("/map"):  # the page's own choices, whatever the file's columns were
        parser = _Forms()
        parser.feed(step.get_data(as_text=True))
        fields = {n: _plain(n, f) for _, form in parser.forms for n, f in form.items()}
        step = client.post(location, data=fields)
        _refused_cleanly(step, before, f"map {what}")
        location = step.headers.get("Location", "")
    if location.endswith("/preview"):
        assert client.get(location).status_code < 500
        confirm = client.post(location.removesuffix("/preview") + "/confirm")
        _refused_cleanly(confirm, before, f"confirm {what}")
