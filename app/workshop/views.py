"""Live workshops: the facilitator's screen and the participants' phones.

Facilitators are the consultants (and site admins) of the initiative's
organisation. Participants have no account: a join code gets them a random
token in a cookie that only ``/join`` pages receive. The participants' pages
are staff pages: they speak every staff language (``app.i18n``).
"""

from __future__ import annotations

from typing import Any

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.access import OrgAccess, initiative_access
from app.formtools import attach_problems, form_page
from app.i18n import speak_staff_languages
from app.services import workshops
from app.services.errors import ServiceError
from app.services.workshops import INVALID_CODE
from app.workshop.forms import (
    QUESTION,
    SCALE_LABELS,
    CloseWorkshopForm,
    JoinForm,
    StartWorkshopForm,
    VoteForm,
)
from insights.kotter import STEPS
from insights.translation import ngettext
from models import Initiative, WorkshopParticipant, WorkshopSession

bp = Blueprint("workshop", __name__)

PARTICIPANT_COOKIE = "stepwise_workshop"

Page = str | tuple[str, int]
# The participants' pages, read on phones in the room.
STAFF_ENDPOINTS = frozenset({"workshop.join", "workshop.vote"})


@bp.url_value_preprocessor
def speak_to_participants(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """The participants' pages speak every staff language (error pages included). A URL
    value preprocessor runs before every before_request, the app's own checks included."""
    if endpoint in STAFF_ENDPOINTS:
        speak_staff_languages()


# --- the facilitator -----------------------------------------------------


def _facilitated(session_id: int) -> tuple[WorkshopSession, Initiative, OrgAccess]:
    """The session if the current user may run it: 404 for outsiders, 403 for executives."""
    session = workshops.get_session(session_id)
    if session is None:
        abort(404)
    initiative, access = initiative_access(current_user, session.initiative_id, manage=True)
    return session, initiative, access


@bp.get("/initiatives/<int:initiative_id>/workshops")
@login_required
def sessions(initiative_id: int) -> str:
    initiative, access = initiative_access(current_user, initiative_id)
    return _render_sessions(initiative, access, StartWorkshopForm(formdata=None))


@bp.post("/initiatives/<int:initiative_id>/workshops")
@login_required
def start(initiative_id: int) -> Page | Response:
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    form = StartWorkshopForm()
    if not form.validate_on_submit():
        return _render_sessions(initiative, access, form), 422
    session = workshops.start_session(initiative, current_user, form.title.data or "")
    flash(
        _(
            "Workshop started. Put this screen on the projector; the code is %(code)s.",
            code=session.code,
        ),
        "success",
    )
    return redirect(url_for("workshop.facilitate", session_id=session.id))


def _render_sessions(initiative: Initiative, access: OrgAccess, form: StartWorkshopForm) -> str:
    return render_template(
        "workshop/sessions.html",
        initiative=initiative,
        access=access,
        rows=workshops.sessions_of(initiative),
        form=form,
        is_open=workshops.is_open,
        session_hours=workshops.SESSION_HOURS,
    )


@bp.get("/workshops/<int:session_id>")
@login_required
def facilitate(session_id: int) -> str:
    session, initiative, access = _facilitated(session_id)
    join_url = url_for("workshop.join", code=session.code, _external=True)
    return render_template(
        "workshop/facilitate.html",
        session=session,
        initiative=initiative,
        access=access,
        state=workshops.live_state(session),
        steps=STEPS,
        join_url=join_url,
        join_base=url_for("workshop.join", _external=True),
        qr_svg=_qr_svg(join_url, session.code),
        close_form=CloseWorkshopForm(formdata=None),
        session_hours=workshops.SESSION_HOURS,
    )


def _qr_svg(url: str, code: str) -> Markup:
    """The join link as an inline SVG QR code; segno escapes what it writes."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(
        scale=1,
        border=2,
        omitsize=True,
        light="#fff",
        title=_("QR code to join with code %(code)s", code=code),
    )
    return Markup(svg)  # noqa: S704 - SVG written by segno from our own URL and code


@bp.get("/workshops/<int:session_id>/live.json")
@login_required
def live(session_id: int) -> Response:
    session, _initiative, _access = _facilitated(session_id)
    response = jsonify(workshops.live_state(session).as_json())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/workshops/<int:session_id>/close")
@login_required
def close(session_id: int) -> Response:
    session, initiative, _access = _facilitated(session_id)
    if not CloseWorkshopForm().validate_on_submit():
        abort(400)
    already_saved = session.round_id is not None
    assessment = workshops.close_session(session, current_user)
    ratings, raters = workshops.rating_count(assessment)
    counts = {
        "ratings": ngettext("%(num)s rating", "%(num)s ratings", ratings),
        "raters": ngettext("%(num)s participant", "%(num)s participants", raters),
    }
    if already_saved:
        message = _(
            "Already saved as assessment round “%(name)s”: %(ratings)s from %(raters)s.",
            name=assessment.name,
            **counts,
        )
    else:
        message = _(
            "Saved as assessment round “%(name)s”: %(ratings)s from %(raters)s.",
            name=assessment.name,
            **counts,
        )
    flash(message, "success")
    return redirect(url_for("stages.tracker", initiative_id=initiative.id))


# --- the participants ----------------------------------------------------


def _participant() -> WorkshopParticipant | None:
    return workshops.participant_for_token(request.cookies.get(PARTICIPANT_COOKIE))


def _remember(response: Response, token: str, session: WorkshopSession) -> None:
    """The participant's token, only for /join pages and only for the session's lifetime."""
    response.set_cookie(
        PARTICIPANT_COOKIE,
        token,
        expires=session.expires_at,
        path="/join",
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


@bp.route("/join", methods=["GET", "POST"])
def join() -> Page | Response:
    participant = _participant()
    current = workshops.get_session(participant.session_id) if participant else None
    if current is None or not workshops.is_open(current):
        participant = current = None
    form = JoinForm(data={"code": workshops.normalize_code(request.args.get("code", ""))})
    if request.method == "GET" and current is not None and form.code.data == current.code:
        return redirect(url_for("workshop.vote"))  # the QR code scanned again
    if form.validate_on_submit():
        response = _join(form, participant)
        if response is not None:
            return response
    page = render_template(
        "workshop/join.html", form=form, current=current, participant=participant
    )
    return form_page(page)


def _join(form: JoinForm, participant: WorkshopParticipant | None) -> Response | None:
    """Join the session behind the typed code, or name on the form why not."""
    session = workshops.open_session_for_code(form.code.data or "")
    if session is None:
        form.code.errors = [_(INVALID_CODE)]
        return None
    try:
        _participant, token = workshops.join(
            session, form.display_name.data or "", rejoining=participant
        )
    except ServiceError as error:
        form.form_errors.extend(attach_problems(form, error.problems))
        return None
    response = redirect(url_for("workshop.vote"))
    if token is not None:
        _remember(response, token, session)
    return response


@bp.route("/join/vote", methods=["GET", "POST"])
def vote() -> Page | Response:
    participant = _participant()
    if participant is None:
        flash(_("Enter the code on the screen to join the workshop."), "info")
        return redirect(url_for("workshop.join"))
    session = workshops.get_session(participant.session_id)
    if session is None or not workshops.is_open(session):
        return render_template("workshop/ended.html"), 410
    own = workshops.votes_of(participant)
    form = VoteForm(data={key: str(score) for key, score in own.items()})
    if form.validate_on_submit():
        try:
            workshops.save_votes(participant, session, form.votes())
        except ServiceError as error:
            form.form_errors.extend(attach_problems(form, error.problems))
        else:
            flash(
                _("Thank you, your ratings are saved. You can change them until the end."),
                "success",
            )
            return redirect(url_for("workshop.vote"))
    page = render_template(
        "workshop/vote.html",
        form=form,
        session=session,
        participant=participant,
        answered=len(own),
        question=QUESTION,
        scale_labels=SCALE_LABELS,
    )
    return form_page(page)
