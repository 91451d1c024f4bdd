"""Pseudo-localisation: a translator that wraps whatever it is given in ⟦ ⟧, and a reader
of the words it left outside (text that never went through translation)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from insights import translation

ROOT = Path(__file__).resolve().parents[2]

_WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
_WORD = re.compile(r"[^\W\d_]{2,}")


def wrap(message: str, **values: Any) -> str:
    return "⟦" + (message % values if values else message) + "⟧"


def wrap_plural(singular: str, plural: str, count: int, /, **values: Any) -> str:
    return wrap(singular if count == 1 else plural, **values)


def left_over(text: str) -> list[str]:
    """Words outside anything the translator was given."""
    while _WRAPPED.search(text):
        text = _WRAPPED.sub(" ", text)
    return _WORD.findall(text)


@contextmanager
def pseudo_translated() -> Iterator[None]:
    """Findings translated by the wrapping translator (days wrapped too), then back to
    whatever was installed before."""
    before = dict(translation._installed)
    translation.install(
        wrap,
        wrap_plural,
        day=lambda value: f"⟦{value.isoformat()}⟧",
        number=lambda value, digits=0: f"{value:,.{digits}f}",
    )
    try:
        yield
    finally:
        translation._installed.clear()
        translation._installed.update(before)


def pseudo_catalogue(root: Path, locale: str = "de") -> Path:
    """Every message the sources mark (extracted now, as ``make catalogues`` does, so
    text marked a moment ago counts) wrapped in ⟦ ⟧, compiled for ``locale`` under
    ``root`` (a BABEL_TRANSLATION_DIRECTORIES folder)."""
    template_path = root / "messages.pot"
    root.mkdir(parents=True, exist_ok=True)
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_", "-k", "_l",
         "--no-location", "-o", str(template_path), str(ROOT)]
    )  # fmt: skip
    with template_path.open("rb") as source:
        template = read_po(source)
    catalogue = Catalog(locale=locale, domain="messages")
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            catalogue.add(message.id, tuple(f"⟦{form}⟧" for form in message.id[:2]))
        else:
            catalogue.add(message.id, f"⟦{message.id}⟧", flags=message.flags)
    folder = root / locale / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "messages.mo").open("wb") as out:
        write_mo(out, catalogue)
    return root
