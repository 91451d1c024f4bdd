"""The message catalogues and the library's wording: complete in every staff language.

Staff read the pulse, the 360 forms and the workshop pages in English, German,
French or Spanish: every message id those pages use has a translation in each
catalogue, no entry is fuzzy, every catalogue compiles, and placeholders match.
The instrument library and the 360 behaviours have all four languages.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from survey.instruments import LIBRARY
from survey.languages import LANGUAGES, TRANSLATED
from survey.library_text import MODULES
from survey.practices import BEHAVIOURS
from tests.i18n.sources import ROOT, staff_files

CATALOGUES = ROOT / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_l": None, "lazy_ngettext": (1, 2)}
_PERCENT = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")
_BRACES = re.compile(r"\{(\w*)\}")


def placeholders(text: str) -> list[str]:
    return sorted(_PERCENT.findall(text) + _BRACES.findall(text))


def catalogue(language: str) -> Catalog:
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def staff_message_ids() -> set[str]:
    ids: set[str] = set()
    for path in staff_files():
        method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
        options = {} if method == "python" else {"extensions": "jinja2.ext.i18n"}
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.fixture(scope="module")
def staff_ids() -> set[str]:
    return staff_message_ids()


def test_staff_pages_use_messages_at_all(staff_ids: set[str]) -> None:
    assert {"Strongly agree", "Almost always"} <= staff_ids
    assert len(staff_ids) > 100


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_staff_message_is_translated(language: str, staff_ids: set[str]) -> None:
    entries = {
        message.id if isinstance(message.id, str) else message.id[0]: message
        for message in catalogue(language)
        if message.id
    }
    missing = sorted(staff_ids - entries.keys())
    assert missing == [], f"not in the {language} catalogue: run `make catalogues`"
    untranslated = sorted(key for key in staff_ids if not translated(entries[key].string))
    assert untranslated == []


def translated(string: str | tuple[str, ...]) -> bool:
    """A translation, every plural form of it included."""
    return all(string) if isinstance(string, tuple) else bool(string)


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_compiles_without_fuzzy_entries_and_placeholders_match(language: str) -> None:
    found = catalogue(language)
    assert [message.id for message in found if message.id and message.fuzzy] == []
    assert not found.fuzzy, "the catalogue header is marked fuzzy"
    for message in found:
        if not message.id or not message.string:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for text in strings:
            if text:
                assert placeholders(text) == placeholders(ids[-1]), (message.id, text)
    assert [str(error) for _message, errors in found.check() for error in errors] == []
    write_mo(BytesIO(), found)


def test_the_compiled_catalogues_are_built() -> None:
    for language in TRANSLATED:
        po = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, f"run make ({mo})"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_library_item_has_the_language(language: str) -> None:
    for dimension in LIBRARY:
        for item in dimension.items:
            text, shown_in = item.wording(language)
            assert shown_in == language, item.key
            assert text.strip() and text != item.text, item.key
            assert placeholders(text) == placeholders(item.text), item.key
    assert set(MODULES[language].ITEMS) == {i.key for d in LIBRARY for i in d.items}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_behaviour_has_the_language(language: str) -> None:
    assert set(MODULES[language].BEHAVIOURS) == {behaviour.key for behaviour in BEHAVIOURS}
    for behaviour in BEHAVIOURS:
        own, observer = behaviour.self_wording(language), behaviour.observer_text
        translated_observer = MODULES[language].BEHAVIOURS[behaviour.key][1]
        assert own.strip() and own != behaviour.self_text, behaviour.key
        assert translated_observer != observer, behaviour.key
        assert placeholders(translated_observer) == placeholders(observer) == ["name"]
        assert "Ada Lovelace" in behaviour.observer_wording("Ada Lovelace", language)


def test_languages_are_the_four_staff_languages() -> None:
    assert LANGUAGES == ("en", "de", "fr", "es")
    assert Path(CATALOGUES / "messages.pot").exists()
