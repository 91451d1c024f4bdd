from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from app.services import accounts
from app.services.errors import ServiceError
from models import Membership, Role, User, db
from tests.builders import PASSWORD, invitation_path, login
from tests.conftest import World


def test_login_with_wrong_password_names_the_problem_and_keeps_the_email(
    client: FlaskClient, world: World
) -> None:
    response = client.post("/login", data={"email": "exec@acme.example", "password": "wrong"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "do not match an account" in page
    assert 'value="exec@acme.example"' in page


def test_email_is_case_insensitive(client: FlaskClient, world: World) -> None:
    response = client.post("/login", data={"email": "  EXEC@Acme.Example ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_duplicate_email_in_other_case_is_refused(app: Flask, world: World) -> None:
    try:
        accounts.create_user("Exec@ACME.example", "Someone", PASSWORD)
    except ServiceError as error:
        assert "already exists" in error.problems["email"]
    else:
        raise AssertionError("a second account with the same email was created")


def test_passwords_are_stored_hashed(app: Flask, world: World) -> None:
    stored = db.session.get(User, world.executive.id)
    assert stored is not None and PASSWORD not in stored.password_hash


def test_login_redirects_only_to_local_pages(client: FlaskClient, world: World) -> None:
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"email": "exec@acme.example", "password": PASSWORD},
    )
    assert response.headers["Location"].startswith("/")  # the landing page, not evil.example
    client.post("/logout")
    response = client.post(
        f"/login?next=/orgs/{world.organization.id}",
        data={"email": "exec@acme.example", "password": PASSWORD},
    )
    assert response.headers["Location"] == f"/orgs/{world.organization.id}"


def test_logout_ends_the_session(client: FlaskClient, world: World) -> None:
    login(client, world.executive)
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, world: World) -> None:
    response = client.post("/login", data={"email": "exec@acme.example", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_forms_refuse_posts_without_csrf_token(
    make_app: Callable[..., Flask], world: World
) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/login", data={"email": "exec@acme.example", "password": PASSWORD})
    assert response.status_code == 400
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert token is not None
    response = client.post(
        "/login",
        data={"email": "exec@acme.example", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert response.status_code == 302


def test_invitation_link_creates_an_account_and_joins(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    invite = invitation_path(client, world.organization, "New.Leader@acme.example")
    client.post("/logout")

    response = client.post(
        invite, data={"name": "New Leader", "password": "short", "confirm": "short"}
    )
    assert response.status_code == 422
    assert "at least 12 characters" in response.get_data(as_text=True)
    assert 'value="New Leader"' in response.get_data(as_text=True)

    response = client.post(
        invite,
        data={"name": "New Leader", "password": "a-long-password", "confirm": "a-long-password"},
    )
    assert response.status_code == 302
    user = accounts.user_by_email("new.leader@acme.example")
    assert user is not None
    membership = db.session.get(Membership, (user.id, world.organization.id))
    assert membership is not None and membership.role is Role.EXECUTIVE
    assert client.get(f"/orgs/{world.organization.id}").status_code == 200
    client.post("/logout")
    assert client.get(invite).status_code == 410, "an invitation works once"


def test_existing_account_joins_by_invitation_after_login(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    invite = invitation_path(client, world.organization, world.outsider.email)
    client.post("/logout")
    assert "/login" in client.get(invite).headers["Location"]
    login(client, world.outsider)
    assert client.post(invite).status_code == 302
    assert client.get(f"/orgs/{world.organization.id}").status_code == 200


def test_inviting_an_existing_member_is_refused(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    page = client.post(
        f"/orgs/{world.organization.id}/members",
        data={"email": world.executive.email, "role": "consultant"},
    ).get_data(as_text=True)
    assert "already a member" in page


def test_an_invalid_login_form_answers_422_and_keeps_the_email(
    client: FlaskClient, world: World
) -> None:
    response = client.post("/login", data={"email": "exec@acme.example", "password": ""})
    assert response.status_code == 422
    assert 'value="exec@acme.example"' in response.get_data(as_text=True)


def test_admin_forms_answer_422_and_keep_what_was_typed(client: FlaskClient, world: World) -> None:
    login(client, world.admin)
    response = client.post("/admin/organizations", data={"name": world.organization.name})
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert f'value="{world.organization.name}"' in response.get_data(as_text=True)

    typed = {"email": world.executive.email, "name": "Again", "password": "a-long-password"}
    response = client.post("/admin/users", data=typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "already exists" in page
    assert 'value="Again"' in page and f'value="{world.executive.email}"' in page


def test_admin_creates_an_organisation_with_an_invited_consultant(
    client: FlaskClient, world: World
) -> None:
    login(client, world.admin)
    response = client.post(
        "/admin/organizations",
        data={"name": "Initech", "consultant_email": "lead@initech.example"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert re.search(r'value="http://localhost/invite/[^"]+"', response.get_data(as_text=True))
