"""Every string a page shows is marked for translation, so a partner can add a language
by adding a catalogue: template text, flash messages, form labels and service errors."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from jinja2 import Environment, nodes
from jinja2.ext import babel_extract

from tests.i18n.sources import ROOT, TEMPLATES, untranslated_text

TEMPLATE_PATHS = sorted(TEMPLATES.rglob("*.html"))
# The JSON API is left out: it speaks English to integrations (API.md).
PYTHON_PATHS = sorted(
    path for path in (ROOT / "app").rglob("*.py") if "api" not in path.relative_to(ROOT).parts
)
GETTEXT = frozenset({"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "N_"})


@pytest.fixture(scope="module")
def environment() -> Environment:
    """Templates parsed as the app parses them (Flask-Babel's new-style gettext)."""
    parsing = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    parsing.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return parsing


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_text_is_marked_for_translation(environment: Environment, path: Path) -> None:
    assert untranslated_text(environment, path) == []


def test_the_reader_finds_unmarked_text(environment: Environment, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<p title="Open it">{{ _("Marked") }} Unmarked {% trans %}Also marked{% endtrans %}</p>'
        '<img alt="{{ name }}"><a href="{{ url }}">Go</a> · 42 % <abbr>eNPS</abbr>'
    )
    assert untranslated_text(environment, page) == ['title="Open it"', "Unmarked", "Go"]


def _is_literal(node: ast.expr | None) -> bool:
    """A string literal, an f-string, or a literal joined to something."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(ch.isalpha() for ch in node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    if isinstance(node, ast.Dict):
        return any(_is_literal(value) for value in node.values)
    return False


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def unmarked_messages(source: str) -> list[str]:
    """Literal text given to flash, a form field's label, a validator's message or a
    ServiceError, not wrapped in a gettext call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = _name(node.func)
        candidates: list[ast.expr | None] = []
        if called in {"flash", "ServiceError"} and node.args:
            candidates.append(node.args[0])
        if called.endswith("Field") and node.args:
            candidates.append(node.args[0])
        candidates += [kw.value for kw in node.keywords if kw.arg in {"label", "message"}]
        if called.endswith("Field"):
            candidates += [kw.value for kw in node.keywords if kw.arg == "description"]
        for candidate in candidates:
            if _is_literal(candidate):
                found.append(f"line {node.lineno}: {called}({ast.unparse(candidate)[:60]})")
    return found


@pytest.mark.parametrize("path", PYTHON_PATHS, ids=lambda p: str(p.relative_to(ROOT)))
def test_messages_from_python_are_marked_for_translation(path: Path) -> None:
    assert unmarked_messages(path.read_text(encoding="utf-8")) == []


def test_the_python_reader_finds_unmarked_messages() -> None:
    source = (
        'flash("Saved.")\nflash(_("Saved."))\nflash(message)\n'
        'StringField("Name", validators=[Length(max=3, message=f"At most {n}")])\n'
        'StringField(_l("Name"))\nraise ServiceError({"name": "Taken."})\n'
        'raise ServiceError(_("Taken."), "name")\n'
    )
    assert sorted(line.split(":")[0] for line in unmarked_messages(source)) == [
        "line 1",
        "line 4",
        "line 4",
        "line 6",
    ]


def _asked_and_extracted(environment: Environment, source: str) -> tuple[set[str], set[str]]:
    """The message ids a template asks its catalogue for when it renders, and the ones
    ``pybabel extract`` writes into the catalogue for it."""
    tree = environment.parse(source)
    asked: set[str] = set()
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in GETTEXT:
            asked.update(arg.value for arg in call.args[:2] if isinstance(arg, nodes.Const))
    extracted: set[str] = set()
    for _line, _function, message, _comments in babel_extract(
        io.BytesIO(source.encode()), sorted(GETTEXT), [], {"trimmed": "false"}
    ):
        extracted.update(
            part for part in (message if isinstance(message, tuple) else (message,)) if part
        )
    return asked, extracted


TEXT_TEMPLATES = sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")])


@pytest.mark.parametrize("path", TEXT_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_asks_for_the_messages_its_catalogue_holds(
    environment: Environment, path: Path
) -> None:
    # A "%" in a trans block is one example: Jinja asks for "%%", the extractor writes "%".
    asked, extracted = _asked_and_extracted(environment, path.read_text(encoding="utf-8"))
    assert asked - extracted == set()


def test_the_comparison_finds_a_percent_sign_in_a_trans_block(environment: Environment) -> None:
    asked, extracted = _asked_and_extracted(
        environment, "{% trans %}Under 60% answered{% endtrans %} {{ _('Done: %(n)s%%', n=3) }}"
    )
    assert asked - extracted == {"Under 60%% answered"}


@pytest.mark.parametrize("path", TEXT_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_lowercases_what_it_capitalises(path: Path) -> None:
    # Jinja's capitalize lowercases all but the first letter: German nouns, names.
    assert "|capitalize" not in path.read_text(encoding="utf-8").replace(" ", "")
