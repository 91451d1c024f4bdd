"""Which language a page speaks, and how a device keeps its choice (Flask-Babel).

Staff pages (the pulse, the 360 forms, a workshop's join and vote pages) call
``speak_staff_languages`` and may be read in any of ``survey.languages.LANGUAGES``;
every other page speaks the ``STEPWISE_INTERFACE_LANGUAGES`` (English unless a
partner has added a complete catalogue), so no page mixes languages.

The choice, in order: ``?lang=xx`` (a switch link, then kept in a cookie for
this device, never tied to a person or an account); the device's cookie; the
browser's Accept-Language; the page's default (a survey's default language);
the first language offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, get_locale, get_translations, gettext, refresh
from werkzeug.wrappers import Response

from app import PROJECT_ROOT
from insights import translation
from survey.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES

TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
COOKIE = "stepwise_lang"
QUERY = "lang"
COOKIE_DAYS = 365


def offered_languages() -> Sequence[str]:
    """The languages this request's page can be read in."""
    staff: Sequence[str] | None = g.get("stepwise_staff_languages")
    if staff is not None:
        return staff
    languages: Sequence[str] = current_app.config["STEPWISE_INTERFACE_LANGUAGES"]
    return languages


def speak_staff_languages(default: str | None = None) -> None:
    """Let this staff page speak every staff language, ``default`` (a survey's) when
    nothing else decides. Call before anything is rendered."""
    g.stepwise_staff_languages = LANGUAGES
    g.stepwise_default_language = default
    refresh()


def is_staff_page() -> bool:
    """Whether this page speaks the staff languages (and so shows a language switch)."""
    return g.get("stepwise_staff_languages") is not None


def select_language() -> str:
    offered = offered_languages()
    if not has_request_context():  # a CLI command or a service called outside a request
        return offered[0]
    if request.blueprint == "api":  # the JSON API's messages are an English contract
        return DEFAULT_LANGUAGE
    for choice in (request.args.get(QUERY), request.cookies.get(COOKIE)):
        if choice is not None and choice in offered:
            return choice
    best = request.accept_languages.best_match(offered)
    if best:
        return best
    default: str | None = g.get("stepwise_default_language")
    return default if default is not None and default in offered else offered[0]


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def language_switch() -> list[dict[str, str | bool]]:
    """The links of a page's language switch: this page in each offered language."""
    current = current_language()
    args = request.args.to_dict()
    links: list[dict[str, str | bool]] = []
    for code in offered_languages():
        query = urlencode({**args, QUERY: code})
        links.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "href": f"{request.path}?{query}",
                "current": code == current,
            }
        )
    return links


def remember_choice(response: Response) -> Response:
    """A switch link's choice is kept for this device (and only then is a cookie set).

    Only a GET is a switch: a form posts to a URL naming the language it was read
    in (so its answer is stored in it), which is no choice to remember.
    """
    choice = request.args.get(QUERY)
    if (
        request.method == "GET"
        and choice
        and choice in offered_languages()
        and request.cookies.get(COOKIE) != choice
    ):
        response.set_cookie(
            COOKIE,
            choice,
            max_age=COOKIE_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    if response.mimetype == "text/html":  # pages depend on the language; assets and JSON do not
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def translate_findings() -> None:
    """Findings are worded in insights (plain Python): they speak the page's language too."""
    from app.templating import format_date, format_number

    translation.install(
        gettext, _plural, day=format_date, number=format_number, active=has_app_context
    )


def _plural(singular: str, plural: str, count: int, /, **values: Any) -> str:
    """Flask-Babel's ngettext with ``num`` given by the caller (a formatted count),
    which its own signature refuses."""
    return str(get_translations().ungettext(singular, plural, count) % values)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    # One Babel per app: its translations cache belongs to it, so an app with other
    # catalogues (a partner's, a test's) never reads this one's.
    Babel(app, locale_selector=select_language)
    translate_findings()
    app.after_request(remember_choice)
    app.add_template_global(current_language, "current_language")
    app.add_template_global(language_switch, "language_switch")
    app.add_template_global(is_staff_page, "is_staff_page")
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES
