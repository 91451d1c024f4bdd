"""Every page for every kind of visitor: who gets in, who is sent away, who never learns of it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.builders import login
from tests.conftest import World

WHO = ("anonymous", "executive", "consultant", "outsider", "admin")

# method, path (formatted with the world's ids), data, expected status per visitor
ROUTES = [
    ("GET", "/", None, (302, 200, 200, 200, 200)),
    ("GET", "/orgs/{org}", None, (302, 200, 200, 404, 200)),
    ("GET", "/orgs/{other_org}", None, (302, 404, 404, 200, 200)),
    ("GET", "/orgs/{org}/initiatives/new", None, (302, 403, 200, 404, 200)),
    ("POST", "/orgs/{org}/initiatives/new", {}, (302, 403, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/edit", None, (302, 403, 200, 404, 200)),
    ("POST", "/initiatives/{initiative}/edit", {}, (302, 403, 200, 404, 200)),
    ("GET", "/orgs/{org}/teams", None, (302, 200, 200, 404, 200)),
    ("POST", "/orgs/{org}/teams", {"team-name": ""}, (302, 403, 200, 404, 200)),
    ("POST", "/orgs/{org}/teams/import", {"import-lines": "A, 3"}, (302, 403, 302, 404, 302)),
    ("GET", "/teams/{team}/edit", None, (302, 403, 200, 404, 200)),
    ("POST", "/teams/{team}/delete", {}, (302, 403, 302, 404, 302)),
    ("GET", "/orgs/{org}/members", None, (302, 200, 200, 404, 200)),
    (
        "POST",
        "/orgs/{org}/members",
        {"email": "new@acme.example", "role": "executive"},
        (302, 403, 200, 404, 200),
    ),
    ("POST", "/orgs/{org}/members/{executive}/remove", {}, (302, 403, 302, 404, 302)),
    ("GET", "/admin/", None, (302, 403, 403, 403, 200)),
    ("POST", "/admin/organizations", {"name": "Initech"}, (302, 403, 403, 403, 302)),
    ("POST", "/admin/users", {}, (302, 403, 403, 403, 422)),
    ("GET", "/initiatives/999999", None, (302, 404, 404, 404, 404)),
]


def _ids(world: World) -> dict[str, int]:
    return {
        "org": world.organization.id,
        "other_org": world.other_organization.id,
        "initiative": world.initiative.id,
        "team": world.team.id,
        "executive": world.executive.id,
    }


@pytest.mark.parametrize(
    ("method", "path", "data", "who", "expected"),
    [
        pytest.param(method, path, data, who, statuses[i], id=f"{who}-{method}-{path}")
        for method, path, data, statuses in ROUTES
        for i, who in enumerate(WHO)
    ],
)
def test_role_route_matrix(
    client: FlaskClient,
    world: World,
    method: str,
    path: str,
    data: dict[str, str] | None,
    who: str,
    expected: int,
) -> None:
    login(client, world.user(who))
    response = client.open(path.format(**_ids(world)), method=method, data=data)
    assert response.status_code == expected
    if who == "anonymous":
        assert "/login" in response.headers["Location"]


def test_outsider_404_page_does_not_name_the_organisation(
    client: FlaskClient, world: World
) -> None:
    login(client, world.outsider)
    response = client.get(f"/orgs/{world.organization.id}")
    assert response.status_code == 404
    assert "Acme" not in response.get_data(as_text=True)
