"""Users, passwords, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, Invitation, Membership, Organization, Role, User, db
from models.base import utcnow

MIN_PASSWORD_LENGTH = 10
# A fixed hash to compare against when the email is unknown, so a login
# attempt takes as long for a missing account as for a wrong password.
_TIMING_DUMMY = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


class AccountError(ValueError):
    """A request about accounts that cannot be honoured; the message is for a person."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(email: str, name: str, password: str, *, is_admin: bool = False) -> User:
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    if not name.strip():
        raise AccountError("A name is required.")
    if user_by_email(email) is not None:
        raise AccountError(f"An account for {email} already exists.")
    user = User(email=email, name=name.strip(), is_admin=is_admin)
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
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
    """A new bearer token for ``user``; only its hash is stored, so show it now or never."""
    token = "sw_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if api_token is None:
        return None
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
    if existing is not None and db.session.get(Membership, (existing.id, organization.id)):
        raise AccountError(f"{email} is already a member of {organization.name}.")
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
    if normalize_email(user.email) != invitation.email:
        raise AccountError(f"This invitation is for {invitation.email}.")
    invitation.accepted_at = utcnow()
    return add_member(user, invitation.organization, invitation.role)


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
