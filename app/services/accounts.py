"""Users, passwords, invitations and API tokens.

``create_user``, ``add_member`` and ``create_invitation`` only flush: the demo and
other services build on them inside their own transaction. The functions that
complete a person's action (``create_account``, ``join_as_new_user``,
``accept_invitation``, ``create_api_token``, the login sessions and
``change_password``) commit.

One email rule (``valid_email``) and one password rule (``password_problem``) serve
every way in: the login form, invitations, the admin page, the CLI and the account
page, so whatever can be created can log in.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.services import audit
from app.services.errors import ServiceError
from app.services.transaction import commit
from models import ApiToken, Invitation, LoginSession, Membership, Organization, Role, User, db
from models.base import utcnow

# NIST SP 800-63B asks for length and a blocklist rather than composition rules.
MIN_PASSWORD_LENGTH = 12
# Hashing a megabyte-long password is work an attacker should not get for free.
MAX_PASSWORD_LENGTH = 1000
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# On-premise installs use internal domains; .test and .local are reserved names that
# email_validator refuses, so they are checked as an ordinary name instead.
PRIVATE_SUFFIXES = ("test", "local")


def normalize_email(email: str) -> str:
    """The form an address is stored and looked up in (no validation: lookups only)."""
    return email.strip().lower()


def valid_email(email: str) -> str:
    """``email`` as stored (trimmed, lower-cased), or a ``ServiceError`` on "email".

    Syntax only, no DNS: the server may have no resolver, and internal names
    (``ops@intranet``, ``admin@x.test``, ``a@corp.local``) are allowed on purpose.
    """
    address = normalize_email(email)
    domain = address.rpartition("@")[2]
    suffix = domain.rsplit(".", 1)[-1]
    checked = address[: -len(suffix)] + "example" if suffix in PRIVATE_SUFFIXES else address
    try:
        validate_email(checked, check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as error:
        raise ServiceError(
            _("That is not an email address: %(error)s", error=error), "email"
        ) from None
    return address


@functools.cache
def _common_passwords() -> frozenset[str]:
    """Django's list of the 20,000 most common passwords (app/services/data/README.md)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(stripped for line in lines if (stripped := line.strip().lower()))


def password_problem(password: str) -> str | None:
    """What is wrong with ``password`` as a new password, in words, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_("Passwords need at least %(num)s characters.", num=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        return str(_("Passwords can have at most %(num)s characters.", num=MAX_PASSWORD_LENGTH))
    if password.strip().lower() in _common_passwords():
        return str(_("This password is among the most common ones; choose another."))
    return None


def check_password_policy(password: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem is not None:
        raise ServiceError(problem, field)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(email: str, name: str, password: str, *, is_admin: bool = False) -> User:
    email = valid_email(email)
    check_password_policy(password)
    if not name.strip():
        raise ServiceError(_("A name is required."), "name")
    if user_by_email(email) is not None:
        raise ServiceError(_("An account for %(email)s already exists.", email=email), "email")
    user = User(email=email, name=name.strip(), is_admin=is_admin)
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def create_account(
    email: str, name: str, password: str, *, is_admin: bool = False, actor: User | None = None
) -> User:
    """``create_user`` as a whole action (the admin page, the CLI): committed and audited."""
    user = create_user(email, name, password, is_admin=is_admin)
    kind = "site administrator" if is_admin else "account"
    audit.record("account.created", f"Created {kind} {user.email}", actor=actor, organization=None)
    commit()
    return user


def set_password(user: User, password: str) -> None:
    """Store ``password`` hashed (the caller has checked it against the policy)."""
    user.password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    user.password_changed_at = utcnow()


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(email: str, password: str) -> User | None:
    """The account for ``email`` if ``password`` is its password. An unknown address
    costs one hash with the configured method too, so timing does not tell whether
    an account exists (and the view shows one message for both)."""
    user = user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


class NewLogin(NamedTuple):
    """A login session just started: the secret for the cookies, and its remember flag."""

    token: str
    remember: bool


def start_login_session(user: User, *, remember: bool, user_agent: str | None) -> NewLogin:
    """A new logged-in browser for ``user``, committed. Only the token's SHA-256 is
    stored; the token goes into the session (and remember-me) cookie. Sessions older
    than the longest a login may last are swept out here."""
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.created_at < _oldest_valid_login()
        )
    )
    token = _add_login_session(user, remember=remember, user_agent=user_agent)
    commit()
    return token


def _add_login_session(user: User, *, remember: bool, user_agent: str | None) -> NewLogin:
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=hash_token(token),
            remember=remember,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    db.session.flush()
    return NewLogin(token, remember)


def _oldest_valid_login() -> datetime:
    """No login outlives ``STEPWISE_REMEMBER_DAYS``, remembered or not."""
    return utcnow() - timedelta(days=current_app.config["STEPWISE_REMEMBER_DAYS"])


def user_for_login(token: str) -> User | None:
    """The user of a login session still open (one indexed query); None once it has
    been ended or is older than ``STEPWISE_REMEMBER_DAYS``."""
    return db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == hash_token(token),
            LoginSession.created_at >= _oldest_valid_login(),
        )
    )


def end_login_session(token: str) -> None:
    """Logging out: this browser's session row goes, committed; its cookies are dead."""
    db.session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_token(token)))
    commit()


def end_all_login_sessions(user: User) -> int:
    """Log out everywhere: every session of ``user`` ends, committed; how many."""
    ended = _delete_sessions_of(user)
    commit()
    return ended


def _delete_sessions_of(user: User) -> int:
    result = db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    return int(getattr(result, "rowcount", 0) or 0)


def change_password(
    user: User, current: str, new: str, *, token: str, user_agent: str | None
) -> NewLogin:
    """A new password for ``user``, committed with the end of all their sessions and a
    fresh one for the browser that asked (keeping its remember flag)."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError(_("That is not your current password."), "current_password")
    check_password_policy(new, "new_password")
    if check_password_hash(user.password_hash, new):
        raise ServiceError(_("The new password is your current one."), "new_password")
    remember = bool(
        db.session.scalar(
            select(LoginSession.remember).where(LoginSession.token_hash == hash_token(token))
        )
    )
    set_password(user, new)
    _delete_sessions_of(user)
    login = _add_login_session(user, remember=remember, user_agent=user_agent)
    commit()
    return login


def create_api_token(user: User) -> str:
    """A new bearer token for ``user``, committed; only its hash is stored, so show it
    now or never."""
    token = "sw_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
    audit.record(
        "api_token.created", f"Created an API token for {user.email}", actor=None, organization=None
    )
    commit()
    return token


def user_for_token(token: str, *, record_use: bool = False) -> User | None:
    """The token's owner. ``record_use`` (requests that change something) sets its
    ``last_used_at``, committed with that change: reading through the API writes nothing."""
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if api_token is None:
        return None
    if record_use:
        api_token.last_used_at = utcnow()
    return api_token.user


def add_member(user: User, organization: Organization, role: Role) -> Membership:
    membership = db.session.get(Membership, (user.id, organization.id))
    if membership is None:
        membership = Membership(user=user, organization=organization, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    return membership


def create_invitation(
    organization: Organization, email: str, role: Role, invited_by: User
) -> tuple[Invitation, str]:
    """An invitation and the secret token for its link (stored only hashed)."""
    email = valid_email(email)
    existing = user_by_email(email)
    membership = db.session.get(Membership, (existing.id, organization.id)) if existing else None
    if membership is not None:
        raise ServiceError(
            _(
                "%(email)s is already a member of %(organization)s.",
                email=email,
                organization=organization.name,
            ),
            "email",
        )
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by_id=invited_by.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def open_invitation(token: str) -> Invitation | None:
    """The invitation behind a link, if it is still usable."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None or invitation.accepted_at is not None:
        return None
    if invitation.expires_at < utcnow():
        return None
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """``user`` joins the invitation's organisation, committed; the link is then used up."""
    if normalize_email(user.email) != invitation.email:
        raise ServiceError(_("This invitation is for %(email)s.", email=invitation.email))
    invitation.accepted_at = utcnow()
    membership = add_member(user, invitation.organization, invitation.role)
    audit.record(
        "invitation.accepted",
        f"{user.email} accepted the invitation as {invitation.role.value}",
        actor=user,
        organization=invitation.organization,
        details={"invitation_id": invitation.id},
    )
    commit()
    return membership


def join_as_new_user(invitation: Invitation, name: str, password: str) -> User:
    """An account for the invited email and its membership, committed together."""
    user = create_user(invitation.email, name, password)
    accept_invitation(invitation, user)
    return user


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
