"""What Stepwise emailed for an organisation: the send log and, without SMTP, the outbox.

Consultants (and site admins) read it; executives get 403, outsiders 404, as for the
audit log (``organization_access``). A message that waited in the outbox opens with its
subject and plain text; its HTML part is served alone, as a document of its own under
the same strict Content-Security-Policy as every page, so it can run nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import OrgAccess, members_only, organization_access
from app.pagination import paginate
from app.services import mail_log
from models import SentMail

bp = Blueprint("mail_log", __name__)
members_only(bp)

PER_PAGE = 50


def _mail(organization_id: int, mail_id: int) -> tuple[SentMail, OrgAccess]:
    access = organization_access(current_user, organization_id, manage=True)
    mail = mail_log.mail_of(access.organization.id, mail_id)
    if mail is None:
        abort(404)
    return mail, access


@bp.get("/orgs/<int:organization_id>/mail")
def log(organization_id: int) -> str:
    access = organization_access(current_user, organization_id, manage=True)
    return render_template(
        "mail_log/log.html",
        access=access,
        page=paginate(mail_log.mail_query(access.organization.id), per_page=PER_PAGE),
        outbox=current_app.config["STEPWISE_SMTP_URL"] is None,
    )


@bp.get("/orgs/<int:organization_id>/mail/<int:mail_id>")
def message(organization_id: int, mail_id: int) -> str:
    mail, access = _mail(organization_id, mail_id)
    return render_template("mail_log/message.html", access=access, mail=mail)


@bp.get("/orgs/<int:organization_id>/mail/<int:mail_id>.html")
def message_html(organization_id: int, mail_id: int) -> Response:
    """The HTML part as the recipient's mail program gets it; 404 when none was kept."""
    mail, _ = _mail(organization_id, mail_id)
    if mail.body_html is None:
        abort(404)
    response = make_response(mail.body_html)
    response.mimetype = "text/html"
    response.headers["Content-Disposition"] = f'inline; filename="message-{mail.id}.html"'
    response.headers["Cache-Control"] = "no-store"
    return response
