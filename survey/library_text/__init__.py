"""The instrument library's wording in each language other than English.

One data module per language (``de``, ``fr``, ``es``), each with

- ``ITEMS``: item key -> statement, for every item of ``survey.instruments``;
- ``BEHAVIOURS``: behaviour key -> (self wording, observer wording with
  ``{name}``), for every 360 behaviour of ``survey.practices``.

Keys are those of the English library, never renamed, so an answer in any
language is the same item. A new language is a new module here, added to
``survey.languages``.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from survey.languages import TRANSLATED


def _modules() -> dict[str, ModuleType]:
    return {code: import_module(f"survey.library_text.{code}") for code in TRANSLATED}


MODULES = _modules()


def library_items(key: str) -> tuple[tuple[str, str], ...]:
    """(language, text) for the library item ``key`` in every translated language, sorted."""
    return tuple(
        sorted((code, module.ITEMS[key]) for code, module in MODULES.items() if key in module.ITEMS)
    )


def library_behaviour(key: str, language: str) -> tuple[str, str] | None:
    """(self, observer) wording of a 360 behaviour in ``language``; None: English."""
    module = MODULES.get(language)
    return None if module is None else module.BEHAVIOURS.get(key)
