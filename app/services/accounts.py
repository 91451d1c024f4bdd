"""Users, passwords, invitations and API tokens.

``create_user``, ``add_member`` and ``create_invitation`` only flush: the demo and
other services build on them inside their own transaction. The functions that
complete a person's action (``create_account``, ``join_as_new_user``,
``accept_invitation``, ``create_api_token``) commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.services.errors import ServiceError
from app.services.transaction import commit
from models import ApiToken, Invitation, Membership, Organization, Role, User, db
from models.base import utcnow

MIN_PASSWORD_LENGTH = 10
# A fixed hash to compare against when the email is unknown, so a login
# attempt takes as long for a missing account as for a wrong password.
_TIMING_DUMMY = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(email: str, name: str, password: str, *, is_admin: bool = False) -> User:
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", "password")
    if not name.strip():
        raise ServiceError("A name is required.", "name")
    if user_by_email(email) is not None:
        raise ServiceError(f"An account for {email} already exists.", "email")
    user = User(email=email, name=name.strip(), is_admin=is_admin)
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def create_account(email: str, name: str, password: str, *, is_admin: bool = False) -> User:
    """``create_user`` as a whole action (the admin page, the CLI): committed."""
    user = create_user(email, name, password, is_admin=is_admin)
    commit()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )


def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    if user is None:
        check_password_hash(_TIMING_DUMMY, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def create_api_token(user: User) -> str:
    """A new bearer token for ``user``, committed; only its hash is stored, so show it
    now or never."""
    token = "sw_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
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
    email = normalize_email(email)
    existing = user_by_email(email)
    membership = db.session.get(Membership, (existing.id, organization.id)) if existing else None
    if membership is not None:
        raise ServiceError(f"{email} is already a member of {organization.name}.", "email")
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
        raise ServiceError(f"This invitation is for {invitation.email}.")
    invitation.accepted_at = utcnow()
    membership = add_member(user, invitation.organization, invitation.role)
    commit()
    return membership


def join_as_new_user(invitation: Invitation, name: str, password: str) -> User:
    """An account for the invited email and its membership, committed together."""
    user = create_user(invitation.email, name, password)
    accept_invitation(invitation, user)
    return user


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
