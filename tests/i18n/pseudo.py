"""Pseudo-localisation: a translator that wraps whatever it is given in ⟦ ⟧, and a reader
of the words it left outside (text that never went through translation)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from insights import translation

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
