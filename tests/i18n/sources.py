"""Which sources hold what staff read (every message id in them is translated into
every staff language), and a reader of the literal text a template shows."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

# Staff pages: the pulse, the 360 self and observer forms, a workshop's join and vote
# pages, and what every such page shows around them (the layout, the error pages).
STAFF_SOURCES: tuple[str, ...] = (
    "templates/base.html",
    "templates/macros.html",
    "templates/_language_switch.html",
    "templates/errors/*.html",
    "templates/pulse/*.html",
    "templates/practices/_macros.html",
    "templates/practices/self.html",
    "templates/practices/observe.html",
    "templates/practices/observer_closed.html",
    "templates/practices/observer_thanks.html",
    "templates/practices/observer_unknown.html",
    "templates/workshop/join.html",
    "templates/workshop/vote.html",
    "templates/workshop/ended.html",
    "app/pulse/*.py",
    "app/practices/forms.py",
    "app/practices/views.py",
    "app/workshop/forms.py",
    "app/workshop/views.py",
    "app/i18n.py",
    "app/errors.py",
    "app/limits.py",
    "insights/kotter.py",
    "insights/stages.py",
    "survey/instruments.py",
    "survey/practices.py",
)


def staff_files() -> list[Path]:
    found: list[Path] = []
    for pattern in STAFF_SOURCES:
        found.extend(sorted(ROOT.glob(pattern)))
    return found


# Words a page may show untranslated: names and abbreviations that read the same in
# every language.
UNTRANSLATED_WORDS = frozenset({"Stepwise", "eNPS", "ADKAR", "CRM", "CSV", "JSON", "API", "n"})
# Attributes a person reads or hears.
READ_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "placeholder", "aria-roledescription"})
_WORD = re.compile(r"[^\W\d_]{2,}")
_GAP = "\x00"


class _LiteralText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and _has_words(value):
                self.found.append(f'{name}="{value.replace(_GAP, "…")}"')
            button = dict(attrs).get("type") in {"submit", "button"}
            if name == "value" and value and button and _has_words(value):
                self.found.append(f'value="{value.replace(_GAP, "…")}"')

    def handle_data(self, data: str) -> None:
        if _has_words(data):
            self.found.append(" ".join(data.replace(_GAP, " … ").split()).strip(" …"))


def _has_words(text: str) -> bool:
    words = _WORD.findall(unescape(text.replace(_GAP, " ")))
    return any(word not in UNTRANSLATED_WORDS for word in words)


def untranslated_text(environment: Environment, path: Path) -> list[str]:
    """Text a template shows that no gettext call or trans block wraps."""
    tree = environment.parse(path.read_text(encoding="utf-8"))
    parts = [node.data for node in tree.find_all(nodes.TemplateData)]
    parser = _LiteralText()
    parser.feed(_GAP.join(parts))
    parser.close()
    return parser.found
