"""Staff answer a pulse here: public, no login, phone first, no heavy script.

``/p/<code>`` takes a team link (the team's current campaign) or a personal
link (its own campaign, once). Every dead end — unknown link, used link, a
campaign not open — is a friendly page in the layout, never an error page.

Team links on a shared device: after an answer the browser keeps a cookie for
that campaign only, holding nothing but "answered". The page then says this
pulse was already answered from here, yet still takes another answer, because
a team board's phone or a shift PC is shared. The cookie lasts until the
campaign closes, so the next campaign opens fresh. One answer per person is
what personal links are for.

Every page here is a staff page: it speaks English, German, French or Spanish
(``app.i18n``), the survey's default language when the browser asks for none
of them. The form posts to a URL naming the language it was read in, so the
answer's language is stored with it and a form sent back with a problem stays
in that language.

The form carries no CSRF token and staff get no session cookie: a forged post
could do nothing the holder of the link cannot do, and a phone that dropped
its cookies must not lose its answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.extensions import csrf
from app.i18n import current_language, speak_staff_languages
from app.pulse.forms import AnswerForm, answer_form
from app.services import pulse as pulses
from app.services.pulse import LinkState, Pulse
from app.services.responses import CampaignClosed, LinkAlreadyUsed
from models.base import utcnow
from survey.instruments import AGREE5_LABELS, RECOMMEND10

bp = Blueprint("pulse", __name__)

# A notice page per dead end, with the status that fits it.
NOTICE_STATUS = {"unknown": 404, "used": 410, "closed": 200, "scheduled": 200}


@bp.url_value_preprocessor
def speak_to_staff(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Staff pages speak every staff language, from the first byte (error pages included). A URL
    value preprocessor runs before every before_request, the app's own checks included."""
    speak_staff_languages()


def _open(code: str, now: datetime) -> Pulse | None:
    """The pulse behind ``code``; from here on the page falls back to its survey's language."""
    pulse = pulses.open_link(code, now)
    if pulse is not None:
        speak_staff_languages(pulse.default_language)
    return pulse


@bp.after_request
def private(response: Response) -> Response:
    """Links are secrets: not cached, not sent on as a referrer, not indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def answered_cookie(campaign_id: int) -> str:
    return f"stepwise_pulse_{campaign_id}"


@bp.get("/p/<code>")
def answer(code: str) -> str | tuple[str, int]:
    pulse = _open(code, utcnow())
    if pulse is None or pulse.state is not LinkState.OPEN:
        return _notice(pulse)
    return _render_form(pulse, answer_form(pulse.items)(formdata=None))


@bp.post("/p/<code>")
@csrf.exempt
def submit(code: str) -> str | tuple[str, int] | Response:
    now = utcnow()
    pulse = _open(code, now)
    if pulse is None or pulse.state is not LinkState.OPEN:
        return _notice(pulse)
    form = answer_form(pulse.items)(request.form)
    if not form.validate():
        return _render_form(pulse, form), 422
    try:
        pulses.submit(pulse, form.answers(), form.comment_text(), now.date(), current_language())
    except LinkAlreadyUsed:
        return _notice(pulse, "used")
    except CampaignClosed:
        fresh = pulses.open_link(code, now)  # read again: the link may have changed
        return _notice(fresh, "closed" if fresh is not None else None)
    response = redirect(url_for("pulse.thanks", code=code))
    if not pulse.is_personal:
        _remember_answer(response, pulse, now)
    return response


@bp.get("/p/<code>/thanks")
def thanks(code: str) -> str | tuple[str, int]:
    pulse = _open(code, utcnow())
    if pulse is None:
        return _notice(None)
    return render_template(
        "pulse/thanks.html",
        pulse=pulse,
        actions=pulses.actions_for(pulse.survey_id, pulse.team_id),
        answered=pulse.state is LinkState.USED or _answered_here(pulse),
    )


def _answered_here(pulse: Pulse) -> bool:
    return pulse.campaign_id is not None and bool(
        request.cookies.get(answered_cookie(pulse.campaign_id))
    )


def _remember_answer(response: Response, pulse: Pulse, now: datetime) -> None:
    """Note on this device only that this campaign was answered; nothing goes to the server."""
    assert pulse.campaign_id is not None and pulse.closes_at is not None
    response.set_cookie(
        answered_cookie(pulse.campaign_id),
        "1",
        max_age=max(60, int((pulse.closes_at - now).total_seconds())),
        path=url_for("pulse.answer", code=pulse.code),
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def _notice(pulse: Pulse | None, kind: str | None = None) -> tuple[str, int]:
    """The friendly page for a link that cannot take an answer now."""
    kind = kind or ("unknown" if pulse is None else pulse.state.value)
    status = NOTICE_STATUS[kind]
    if kind == "closed" and pulse is not None and pulse.is_personal:
        status = 410  # a personal link never opens again
    actions = pulses.actions_for(pulse.survey_id, pulse.team_id, 5) if pulse else []
    return render_template("pulse/notice.html", kind=kind, pulse=pulse, actions=actions), status


def _render_form(pulse: Pulse, form: AnswerForm) -> str:
    return render_template(
        "pulse/answer.html",
        pulse=pulse,
        form=form,
        answers=form.answers(),
        missing={item.key for item in form.missing()},
        min_group_size=current_app.config["STEPWISE_MIN_GROUP_SIZE"],
        answered_here=not pulse.is_personal and _answered_here(pulse),
        actions=pulses.actions_for(pulse.survey_id, pulse.team_id, 3),
        language=current_language(),
        agree_labels=AGREE5_LABELS,
        recommend=RECOMMEND10,
        item_prefix=pulses.ITEM_PREFIX,
        max_comment=pulses.MAX_COMMENT,
    )
