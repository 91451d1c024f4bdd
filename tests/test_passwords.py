"""One password rule and one email rule, on every page and command that sets them."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.services import accounts
from app.services.errors import ServiceError
from models import db
from tests.builders import PASSWORD, invitation_path, login
from tests.conftest import World

# password, the problem named (None: accepted)
PASSWORDS = [
    ("eleven-char", "at least 12 characters"),
    ("twelve-chars", None),
    ("qwerty123456", "most common"),
    ("QWERTY123456", "most common"),
    ("Password1234", "most common"),
    ("x" * 1001, "at most 1000"),
    ("correct horse battery staple", None),
]


@pytest.mark.parametrize(("password", "problem"), PASSWORDS)
def test_the_password_rule(app: Flask, password: str, problem: str | None) -> None:
    found = accounts.password_problem(password)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


# address, stored as (None: refused)
EMAILS = [
    ("  Ops@Stepwise.Example ", "ops@stepwise.example"),
    ("admin@x.test", "admin@x.test"),
    ("it@corp.local", "it@corp.local"),
    ("ops@intranet", "ops@intranet"),
    ("no-at-sign.example", None),
    ("two@at@signs.example", None),
    ("space in@acme.example", None),
    ("a@localhost", None),
    ("", None),
]


@pytest.mark.parametrize(("address", "stored"), EMAILS)
def test_the_email_rule(app: Flask, address: str, stored: str | None) -> None:
    if stored is None:
        with pytest.raises(ServiceError) as refused:
            accounts.valid_email(address)
        assert "email" in refused.value.problems
    else:
        assert accounts.valid_email(address) == stored


def change(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> str:
    response = client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )
    assert response.status_code == 422
    return response.get_data(as_text=True)


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', page)
    return found.group(1) if found else ""


def test_the_account_page_refuses_a_weak_new_password_naming_the_field(
    client: FlaskClient, world: World
) -> None:
    login(client, world.executive)
    assert "at least 12 characters" in field_error(
        change(client, PASSWORD, "eleven-char"), "new_password"
    )
    assert "most common" in field_error(change(client, PASSWORD, "Qwerty123456"), "new_password")
    assert "not your current password" in field_error(
        change(client, "wrong-password!", "a fine new passphrase"), "current_password"
    )
    assert "differ" in field_error(
        change(client, PASSWORD, "a fine new passphrase", "another passphrase"), "confirm"
    )
    assert "is your current one" in field_error(change(client, PASSWORD, PASSWORD), "new_password")
    client.post("/logout")
    login(client, world.executive)  # the password is unchanged


def test_an_invitation_refuses_a_common_password_and_keeps_the_name(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    invite = invitation_path(client, world.organization, "new@acme.example")
    client.post("/logout")

    common = "1q2w3e4r5t6y"
    response = client.post(
        invite, data={"name": "New Leader", "password": common, "confirm": common}
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "most common" in field_error(page, "password")
    assert 'value="New Leader"' in page
    assert accounts.user_by_email("new@acme.example") is None


def test_the_admin_page_refuses_a_short_password_and_keeps_the_input(
    client: FlaskClient, world: World
) -> None:
    login(client, world.admin)
    typed = {"email": "new@x.test", "name": "New Consultant", "password": "eleven-char"}

    response = client.post("/admin/users", data=typed)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "at least 12 characters" in field_error(page, "password")
    assert 'value="New Consultant"' in page and 'value="new@x.test"' in page


def test_invitation_forms_refuse_what_is_no_email_address(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    response = client.post(
        f"/orgs/{world.organization.id}/members",
        data={"email": "someone@@acme.example", "role": "executive"},
    )
    assert response.status_code == 422
    assert "not an email address" in response.get_data(as_text=True)


def login_page(client: FlaskClient, email: str, password: str) -> str:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 422
    return response.get_data(as_text=True).replace(email, "EMAIL")


def test_unknown_account_and_wrong_password_get_the_same_answer(
    client: FlaskClient, world: World
) -> None:
    unknown = login_page(client, "nobody@acme.example", "a-wrong-password")
    wrong = login_page(client, world.executive.email, "a-wrong-password")

    assert unknown == wrong
    assert "That email and password do not match an account." in unknown


def test_unknown_account_and_wrong_password_take_about_as_long(
    make_app: Callable[..., Flask], world: World
) -> None:
    # A hash slow enough to measure: the account's own and the stand-in's must both run.
    app = make_app(PASSWORD_HASH_METHOD="pbkdf2:sha256:100000")
    with app.app_context():
        slow = accounts.user_by_email(world.executive.email)
        assert slow is not None
        accounts.set_password(slow, PASSWORD)
        db.session.commit()
        client = app.test_client()

        def seconds(email: str) -> float:
            start = time.perf_counter()
            client.post("/login", data={"email": email, "password": "a-wrong-password"})
            return time.perf_counter() - start

        seconds("nobody@acme.example")  # the stand-in hash is made once per method
        unknown = statistics.median(seconds("nobody@acme.example") for _ in range(5))
        wrong = statistics.median(seconds(world.executive.email) for _ in range(5))

    assert 0.5 < unknown / wrong < 2, f"unknown {unknown:.3f}s, wrong password {wrong:.3f}s"
