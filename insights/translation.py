"""The words of findings in the reader's language, without Flask.

``insights`` is plain Python; the app installs its gettext here at start-up
(``app.i18n``), tests and scripts get the English as written. Mark a sentence
as one whole message with named placeholders, ``_("%(team)s fell %(points)s
points.", team=name, points=text)``, never an f-string or fragments joined
into a sentence: word order differs by language. Days and numbers go in
through ``day`` and ``number`` so they follow the reader's locale too (the
English as written without the app: "3 Nov 2026", "12.3").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

Gettext = Callable[..., Any]
NGettext = Callable[..., Any]

_installed: dict[str, Callable[..., Any]] = {}


def install(
    gettext: Gettext,
    ngettext: NGettext,
    day: Callable[[date], str] | None = None,
    number: Callable[..., str] | None = None,
    active: Callable[[], bool] = lambda: True,
) -> None:
    """Translate through these from now on whenever ``active()`` says they can run (the
    app's: inside an application context); otherwise, and after ``uninstall``, the
    English as written. They format ``%(name)s`` themselves, as Flask-Babel's do;
    ``ngettext(singular, plural, count, **values)`` finds ``num``, the count already
    formatted, among the values; ``day(value)``, ``number(value, digits)``."""
    _installed.update(gettext=gettext, ngettext=ngettext, active=active)
    if day is not None:
        _installed["day"] = day
    if number is not None:
        _installed["number"] = number


def uninstall() -> None:
    _installed.clear()


def _use(name: str) -> Callable[..., Any] | None:
    active = _installed.get("active")
    return _installed.get(name) if active is not None and active() else None


def _(message: str, **values: Any) -> str:
    translate = _use("gettext")
    if translate is not None:
        return str(translate(message, **values))
    return message % values if values else message


def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
    """``%(num)s`` is the count as the reader writes it ("1,234"), unless given."""
    values.setdefault("num", number(num))
    translate = _use("ngettext")
    if translate is not None:
        return str(translate(singular, plural, num, **values))
    return (singular if num == 1 else plural) % values


def N_(message: str) -> str:
    """Marks a message where it is defined; translated with ``_`` where it is shown."""
    return message


def day(value: date) -> str:
    """A day as the reader writes it ("3 Nov 2026" in English)."""
    formatter = _use("day")
    return str(formatter(value)) if formatter is not None else f"{value.day} {value:%b %Y}"


def number(value: float, digits: int = 0) -> str:
    """A number with ``digits`` after the point, as the reader writes it ("1,234.5")."""
    formatter = _use("number")
    if formatter is not None:
        return str(formatter(value, digits))
    return f"{value:,.{digits}f}"
