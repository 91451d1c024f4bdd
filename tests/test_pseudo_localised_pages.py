"""Everything the executive and consultant read is translatable: with a catalogue that
wraps every message in ⟦ ⟧, no word of a page on the demo is left outside the brackets,
except what people typed or imported (names, titles, comments, stored texts), which is
theirs and stays as written.

The crawl follows the links an executive and a consultant see (the staff pages they
hand out among them), one page per route shape, and reads the visible text, the
attributes a person reads or hears, and the labels of every chart."""

from __future__ import annotations

import html
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from babel import Locale
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, String, Text, select

from app.demo import DEMO_LOGINS, seed_demo
from models import db
from survey.languages import LANGUAGE_NAMES
from survey.library_text import de as german_library
from tests.i18n.pseudo import pseudo_catalogue
from tests.i18n.sources import READ_ATTRIBUTES, UNTRANSLATED_WORDS

_WORD = re.compile(r"[^\W\d_]{2,}")
# A wrapped message, or one a chart cut short ("⟦Lost personal touch with cust…").
_WRAPPED = re.compile(r"⟦[^⟦⟧]*(⟧|…)")
_IDENTIFIER = re.compile(r"[a-z0-9_.:+-]*")  # stored keys and codes, not prose
_ADDRESS = re.compile(r"[^\s¦‖]+@[^\s¦‖]+|\w+://[^\s¦‖]*")  # e-mail addresses and URLs
# Downloads, the JSON API and what changes the language are no pages to read; a sent
# e-mail is kept as it was sent, in the language it was sent in.
_NOT_A_PAGE = re.compile(
    r"/logout|\.(csv|xlsx|json|html)$|/api/|/static/|[?&]lang=|/export|/mail\b"
)
# Code, file layouts and examples of data (CSV headers are the import contract).
_CODE = frozenset({"code", "pre", "samp", "kbd"})
# Plotly keys whose strings a person reads (the rest are colours, modes, fonts).
_CHART_TEXT_KEYS = frozenset({"text", "name", "title", "hovertemplate", "ticktext", "x", "y"})
_MAX_PAGES = 200
_SITE = "http://localhost"
# The catalogue's locale writes its own month and day names in dates ("6. Okt.").
_GERMAN = Locale("de")
_DATE_WORDS = frozenset(
    word
    for names in (_GERMAN.months, _GERMAN.days)
    for width in ("abbreviated", "wide")
    for context in ("format", "stand-alone")
    for name in names[context][width].values()
    for word in _WORD.findall(name)
)
# Language names are written in their own language; date formats as patterns.
_OURS = (
    UNTRANSLATED_WORDS
    | _DATE_WORDS
    | {word for name in LANGUAGE_NAMES.values() for word in _WORD.findall(name)}
    | {"YYYY", "MM", "DD"}
)


class _Reader(HTMLParser):
    """A page's readable text in the order it comes, its links and its charts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.charts: list[Any] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in {"script", "style", "template"} | _CODE:
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "input" and values.get("value", "").startswith(_SITE):
            self.links.append(values["value"])  # a link to copy and hand out
        if values.get("data-chart"):
            self.charts.append(json.loads(values["data-chart"]))
        self.parts.extend(values[name] for name in READ_ATTRIBUTES if values.get(name))
        if values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"} | _CODE:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _chart_text(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _chart_text(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _chart_text(value, key)
    elif isinstance(node, str) and key in _CHART_TEXT_KEYS:
        # Plotly's own template syntax and markup are no words.
        yield re.sub(r"%\{[^}]*\}|<[^>]*>", " ", node)


def _stored_texts() -> list[str]:
    """Every text the database holds (what people typed or imported, and what was
    written down when it happened), longest first, keys and codes left out; and the
    library's German wording, which pages in German show as it is."""
    found: set[str] = set(german_library.ITEMS.values())
    for wordings in german_library.BEHAVIOURS.values():
        for wording in wordings:  # an observer's wording has the leader's name in it
            found.update(piece.strip() for piece in wording.split("{name}") if piece.strip())

    def collect(value: Any) -> None:
        if isinstance(value, str):
            if not _IDENTIFIER.fullmatch(value):
                found.add(value.strip())
        elif isinstance(value, dict):
            for inner in value.values():
                collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                query = select(column).distinct()
            elif isinstance(column.type, JSON):
                query = select(column)  # PostgreSQL cannot compare json values
            else:
                continue
            for value in db.session.scalars(query):
                collect(value)
    return sorted((text for text in found if _WORD.search(text)), key=len, reverse=True)


def _foreign(text: str) -> bool:
    return any(word not in _OURS for word in _WORD.findall(text))


def _left_outside(parts: Iterable[str], stored: list[str]) -> list[str]:
    """The stretches of text, between markup and brackets, with a word that no
    translation wrapped and nobody typed."""
    text = "¦".join(" ".join(html.unescape(part).split()) for part in parts)
    while _WRAPPED.search(text):
        text = _WRAPPED.sub("‖", text)
    left = []
    for stretch in re.split("[‖¦]", _ADDRESS.sub(" ", text)):
        # A typed text cut short on a card ("Morgan shared the churn…").
        cut = stretch.strip()
        if cut.endswith("…") and any(typed.startswith(cut[:-1]) for typed in stored):
            continue
        if not _foreign(stretch):
            continue
        for typed in stored:
            stretch = stretch.replace(typed, " ")
        if _foreign(stretch):
            left.append(" ".join(stretch.split()))
    return left


def _shape(link: str) -> str:
    """A page's route and the names of its query: ``/surveys/N/results?campaign&team``."""
    path, _, query = link.partition("?")
    names = sorted({pair.partition("=")[0] for pair in query.split("&") if pair})
    return re.sub(r"\d+", "N", path) + "?" + "&".join(names)


def _crawl(client: FlaskClient, stored: list[str]) -> tuple[dict[str, list[str]], int]:
    shapes: set[str] = set()
    queue: deque[str] = deque(["/"])
    problems: dict[str, list[str]] = {}
    read = 0
    while queue and read < _MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, headers={"Accept-Language": "de"})
        if response.status_code in {301, 302, 303}:
            location = response.headers["Location"]
            queue.appendleft(location) if location.startswith("/") else None
            continue
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if response.mimetype != "text/html":
            continue
        read += 1
        page = _Reader()
        page.feed(response.get_data(as_text=True))
        parts = list(page.parts)
        for chart in page.charts:
            parts.extend(_chart_text(chart))
        left = _left_outside(parts, stored)
        if left:
            problems[url] = left
        for link in page.links:
            # Links to copy for staff (a pulse, a 360 form) are written out in full.
            link = link.split("#")[0].removeprefix(_SITE)
            shape = _shape(link)
            if link.startswith("/") and not _NOT_A_PAGE.search(link) and shape not in shapes:
                shapes.add(shape)
                queue.append(link)
    return problems, read


def test_every_word_an_executive_or_consultant_reads_is_translatable(
    app: Flask, make_app: Any, tmp_path: Path
) -> None:
    seed_demo()
    db.session.commit()
    stored = _stored_texts()
    pseudo_app = make_app(
        STEPWISE_INTERFACE_LANGUAGES=("en", "de"),
        BABEL_TRANSLATION_DIRECTORIES=str(pseudo_catalogue(tmp_path / "translations")),
    )
    report: dict[str, list[str]] = {}
    for login in DEMO_LOGINS:
        if login.role not in {"executive", "consultant"}:
            continue
        client = pseudo_app.test_client()
        response = client.post("/login", data={"email": login.email, "password": login.password})
        assert response.status_code == 302
        problems, read = _crawl(client, stored)
        assert read >= 10, f"{login.email} reached only {read} pages"
        for url, stretches in problems.items():
            for stretch in stretches:
                report.setdefault(stretch, []).append(f"{login.role} {url}")
    lines = [
        f"{stretch!r} ({len(where)}x, e.g. {where[0]})"
        for stretch, where in sorted(report.items(), key=lambda item: -len(item[1]))
    ]
    assert not report, f"{len(report)} texts no translation wraps:\n" + "\n".join(lines)
