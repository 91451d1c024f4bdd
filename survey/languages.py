"""The languages staff can answer in, as plain data (no Flask).

Staff-facing pages, the instrument library and the 360 behaviours exist in
every language of ``LANGUAGES``; a test holds each catalogue and each library
wording to that. English is the library's own language: item keys and
results are the same whichever language an answer was given in.
"""

from __future__ import annotations

DEFAULT_LANGUAGE = "en"
# Each language's name in that language, as a switch shows it.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
}
LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_NAMES)
# The languages other than English; the library's wording in each lives in
# ``survey.library_text.<code>``.
TRANSLATED: tuple[str, ...] = tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)


def is_language(code: object) -> bool:
    return isinstance(code, str) and code in LANGUAGE_NAMES


def N_(message: str) -> str:
    """Marks a message for the catalogues where it is defined (``pybabel extract -k N_``);
    the page translates it when it shows it."""
    return message
