"""Every page for every kind of visitor: who gets in, who is sent away, who never learns of it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.services import accounts, stages, workshops
from models import Role, SentMail, SurveyAction, db
from tests.builders import (
    api_headers,
    login,
    make_campaign,
    make_practice_cycle,
    make_survey,
    team_code,
)
from tests.conftest import World

WHO = ("anonymous", "executive", "consultant", "outsider", "admin")

# method, path (formatted with the world's ids), data, expected status per visitor
ROUTES = [
    # Executives of one initiative (the outsider is one elsewhere) land on its dashboard.
    ("GET", "/", None, (302, 302, 200, 302, 200)),
    ("GET", "/orgs/{org}", None, (302, 200, 200, 404, 200)),
    ("GET", "/orgs/{other_org}", None, (302, 404, 404, 200, 200)),
    ("GET", "/orgs/{org}/initiatives/new", None, (302, 403, 200, 404, 200)),
    # Deleting an organisation: a wrong name deletes nothing (tests/test_org_deletion.py).
    ("GET", "/orgs/{org}/delete", None, (302, 403, 200, 404, 200)),
    ("POST", "/orgs/{org}/delete", {"name": "not it"}, (302, 403, 422, 404, 422)),
    ("POST", "/orgs/{org}/initiatives/new", {}, (302, 403, 422, 404, 422)),
    ("GET", "/initiatives/{initiative}", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/edit", None, (302, 403, 200, 404, 200)),
    ("POST", "/initiatives/{initiative}/edit", {}, (302, 403, 422, 404, 422)),
    ("GET", "/orgs/{org}/teams", None, (302, 200, 200, 404, 200)),
    ("POST", "/orgs/{org}/teams", {"team-name": ""}, (302, 403, 422, 404, 422)),
    ("POST", "/orgs/{org}/teams/import", {"import-lines": "A, 3"}, (302, 403, 302, 404, 302)),
    ("GET", "/teams/{team}/edit", None, (302, 403, 200, 404, 200)),
    ("GET", "/teams/{team}/delete", None, (302, 403, 200, 404, 200)),
    ("POST", "/teams/{team}/delete", {}, (302, 403, 302, 404, 302)),
    # The world's team is active: restoring it says so and goes back to the list.
    ("POST", "/teams/{team}/restore", {}, (302, 403, 302, 404, 302)),
    ("GET", "/orgs/{org}/members", None, (302, 200, 200, 404, 200)),
    (
        "POST",
        "/orgs/{org}/members",
        {"email": "new@acme.example", "role": "executive"},
        (302, 403, 302, 404, 302),
    ),
    # Hiding the kept invitation link touches only this browser's session.
    ("POST", "/orgs/{org}/members/invitation-link/dismiss", {}, (302, 302, 302, 404, 302)),
    ("POST", "/orgs/{org}/members/{executive}/remove", {}, (302, 403, 302, 404, 302)),
    ("GET", "/admin/", None, (302, 403, 403, 403, 200)),
    ("POST", "/admin/organizations", {"name": "Initech"}, (302, 403, 403, 403, 302)),
    ("POST", "/admin/users", {}, (302, 403, 403, 403, 422)),
    ("POST", "/admin/invitation-link/dismiss", {}, (302, 403, 403, 403, 302)),
    # The audit log: consultants read their organisation's, site admins every one.
    ("GET", "/orgs/{org}/audit", None, (302, 403, 200, 404, 200)),
    ("GET", "/orgs/{org}/audit?action=member.removed&page=2", None, (302, 403, 200, 404, 200)),
    ("GET", "/orgs/{org}/audit.csv", None, (302, 403, 200, 404, 200)),
    ("GET", "/orgs/999999/audit", None, (302, 404, 404, 404, 404)),
    ("GET", "/admin/audit", None, (302, 403, 403, 403, 200)),
    ("GET", "/admin/audit.csv", None, (302, 403, 403, 403, 200)),
    # The send log and outbox: consultants of the organisation; {sent_mail} is in its outbox.
    ("GET", "/orgs/{org}/mail", None, (302, 403, 200, 404, 200)),
    ("GET", "/orgs/{org}/mail/{sent_mail}", None, (302, 403, 200, 404, 200)),
    ("GET", "/orgs/{org}/mail/{sent_mail}.html", None, (302, 403, 200, 404, 200)),
    ("GET", "/orgs/{org}/mail/999999", None, (302, 403, 404, 404, 404)),
    ("GET", "/orgs/{other_org}/mail/{sent_mail}", None, (302, 404, 404, 403, 404)),
    ("GET", "/initiatives/999999", None, (302, 404, 404, 404, 404)),
    # Leadership 360: {cycle} is the executive's own (fellow executives: tests/test_practices.py).
    ("GET", "/initiatives/{initiative}/practices", None, (302, 200, 200, 404, 200)),
    (
        "POST",
        "/initiatives/{initiative}/practices/cycles",
        {"leader_id": "0"},
        (302, 403, 422, 404, 422),
    ),
    ("GET", "/initiatives/{initiative}/practices/team", None, (302, 403, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/practices/leaders", None, (302, 403, 200, 404, 200)),
    ("GET", "/practices/{cycle}/report", None, (302, 200, 200, 404, 200)),
    ("GET", "/practices/{cycle}/self", None, (302, 200, 403, 404, 403)),
    ("POST", "/practices/{cycle}/self", {}, (302, 422, 403, 404, 403)),
    ("POST", "/practices/{cycle}/close", {}, (302, 403, 302, 404, 302)),
    ("GET", "/practices/999999/report", None, (302, 404, 404, 404, 404)),
    # Pulse surveys: executives look, consultants change; staff pages are public
    # (tests/test_pulse.py). {survey} and {campaign} are an open campaign's.
    ("GET", "/initiatives/{initiative}/surveys", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/surveys/new", None, (302, 403, 200, 404, 200)),
    ("POST", "/initiatives/{initiative}/surveys/new", {}, (302, 403, 422, 404, 422)),
    ("GET", "/surveys/{survey}/edit", None, (302, 403, 200, 404, 200)),
    ("POST", "/surveys/{survey}/edit", {}, (302, 403, 422, 404, 422)),
    ("POST", "/surveys/{survey}/stop-repeating", {}, (302, 403, 302, 404, 302)),
    ("GET", "/surveys/{survey}/campaigns/new", None, (302, 403, 200, 404, 200)),
    ("POST", "/surveys/{survey}/campaigns/new", {}, (302, 403, 422, 404, 422)),
    ("GET", "/campaigns/{campaign}", None, (302, 200, 200, 404, 200)),
    ("GET", "/campaigns/{campaign}/qr-codes", None, (302, 200, 200, 404, 200)),
    ("POST", "/campaigns/{campaign}/personal-links", {}, (302, 403, 422, 404, 422)),
    ("GET", "/campaigns/{campaign}/personal-links.csv", None, (302, 403, 200, 404, 200)),
    ("POST", "/campaigns/{campaign}/cancel", {}, (302, 403, 302, 404, 302)),
    ("GET", "/surveys/999999/edit", None, (302, 404, 404, 404, 404)),
    ("GET", "/campaigns/999999", None, (302, 404, 404, 404, 404)),
    # Pulse results: members read and post "you said, we did"; raw answers are the
    # consultants'. {survey_action} was posted by the consultant, not the executive.
    ("GET", "/surveys/{survey}/results", None, (302, 200, 200, 404, 200)),
    ("GET", "/surveys/{survey}/results?team={team}", None, (302, 200, 200, 404, 200)),
    ("GET", "/surveys/{survey}/results.csv", None, (302, 200, 200, 404, 200)),
    ("GET", "/surveys/{survey}/answers.csv", None, (302, 403, 200, 404, 200)),
    ("POST", "/surveys/{survey}/actions", {}, (302, 422, 422, 404, 422)),
    (
        "POST",
        "/surveys/{survey}/actions",
        {"you_said": "Urgency is low", "we_did": "Churn figures shared"},
        (302, 302, 302, 404, 302),
    ),
    ("POST", "/survey-actions/{survey_action}/delete", {}, (302, 403, 302, 404, 302)),
    ("GET", "/surveys/999999/results", None, (302, 404, 404, 404, 404)),
    ("GET", "/surveys/999999/answers.csv", None, (302, 404, 404, 404, 404)),
    # The step tracker: members take part, consultants shape the checklist and the rounds.
    # {evidence}, {action} and {round} belong to the world's initiative; the round is open.
    ("GET", "/initiatives/{initiative}/steps", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{other_initiative}/steps", None, (302, 404, 404, 200, 200)),
    ("GET", "/initiatives/{initiative}/steps/vision", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/steps/nonsense", None, (302, 404, 404, 404, 404)),
    (
        "POST",
        "/initiatives/{initiative}/steps/vision",
        {"stage-status": "in_progress"},
        (302, 302, 302, 404, 302),
    ),
    (
        "POST",
        "/initiatives/{initiative}/steps/vision/evidence",
        {"evidence-text": "Vision on every team board"},
        (302, 403, 302, 404, 302),
    ),
    (
        "POST",
        "/initiatives/{initiative}/steps/vision/actions",
        {"action-title": ""},
        (302, 422, 422, 404, 422),
    ),
    ("POST", "/evidence/{evidence}/tick", {"done": "1"}, (302, 302, 302, 404, 302)),
    ("GET", "/evidence/{evidence}/edit", None, (302, 403, 200, 404, 200)),
    ("POST", "/evidence/{evidence}/edit", {"text": "Edited"}, (302, 403, 302, 404, 302)),
    ("POST", "/evidence/{evidence}/delete", {}, (302, 403, 302, 404, 302)),
    ("GET", "/evidence/999999/edit", None, (302, 404, 404, 404, 404)),
    ("GET", "/initiatives/{initiative}/actions", None, (302, 200, 200, 404, 200)),
    (
        "POST",
        "/initiatives/{initiative}/actions",
        {"action-title": "Share churn figures", "action-stage_key": "urgency"},
        (302, 302, 302, 404, 302),
    ),
    ("GET", "/actions/{action}/edit", None, (302, 200, 200, 404, 200)),
    ("POST", "/actions/{action}/edit", {"action-title": ""}, (302, 422, 422, 404, 422)),
    ("GET", "/actions/999999/edit", None, (302, 404, 404, 404, 404)),
    ("GET", "/initiatives/{initiative}/rounds", None, (302, 200, 200, 404, 200)),
    (
        "POST",
        "/initiatives/{initiative}/rounds",
        {"name": "June review", "held_on": "2026-06-01"},
        (302, 403, 302, 404, 302),
    ),
    ("GET", "/rounds/{round}", None, (302, 200, 200, 404, 200)),
    ("GET", "/rounds/{round}/rate", None, (302, 200, 200, 404, 200)),
    ("POST", "/rounds/{round}/rate", {"score_urgency": "0"}, (302, 422, 422, 404, 422)),
    ("POST", "/rounds/{round}/close", {}, (302, 403, 302, 404, 302)),
    ("GET", "/rounds/999999", None, (302, 404, 404, 404, 404)),
    # Metrics: executives read, consultants change targets and import. The import token
    # below names no upload, so even consultants get 404 there (tests/test_metrics_pages.py).
    ("GET", "/initiatives/{initiative}/metrics", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{other_initiative}/metrics", None, (302, 404, 404, 200, 200)),
    ("GET", "/initiatives/{initiative}/metrics/adoption_rate", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/metrics/nonsense", None, (302, 404, 404, 404, 404)),
    (
        "GET",
        "/initiatives/{initiative}/metrics/adoption_rate/target",
        None,
        (302, 403, 200, 404, 200),
    ),
    (
        "POST",
        "/initiatives/{initiative}/metrics/adoption_rate/target",
        {"target": "75"},
        (302, 403, 302, 404, 302),
    ),
    ("POST", "/initiatives/{initiative}/metrics/custom", {}, (302, 403, 422, 404, 422)),
    ("GET", "/initiatives/{initiative}/metrics/import", None, (302, 403, 200, 404, 200)),
    ("POST", "/initiatives/{initiative}/metrics/import", {}, (302, 403, 422, 404, 422)),
    (
        "GET",
        "/initiatives/{initiative}/metrics/import/AAAAAAAAAAAAAAAAAAAAAA/preview",
        None,
        (302, 403, 404, 404, 404),
    ),
    (
        "POST",
        "/initiatives/{initiative}/metrics/import/AAAAAAAAAAAAAAAAAAAAAA/confirm",
        {},
        (302, 403, 404, 404, 404),
    ),
    # The diagnosis: members see the dashboard, the summary and the exports; the consultant
    # view (with the leadership team's 360 finding) is for those who manage.
    ("GET", "/initiatives/{initiative}/dashboard", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{other_initiative}/dashboard", None, (302, 404, 404, 200, 200)),
    ("GET", "/initiatives/{initiative}/dashboard/consultant", None, (302, 403, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/dashboard/summary", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/dashboard/findings.csv", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/{initiative}/dashboard/findings.xlsx", None, (302, 200, 200, 404, 200)),
    ("GET", "/initiatives/999999/dashboard", None, (302, 404, 404, 404, 404)),
    # Odd corners of the pages above: editing a team, closing a campaign early, the later
    # steps of a metric import (the token names no upload: 404 once the role may import).
    ("POST", "/teams/{team}/edit", {"name": ""}, (302, 403, 422, 404, 422)),
    ("POST", "/campaigns/{campaign}/close", {}, (302, 403, 302, 404, 302)),
    (
        "GET",
        "/initiatives/{initiative}/metrics/import/AAAAAAAAAAAAAAAAAAAAAA/map",
        None,
        (302, 403, 404, 404, 404),
    ),
    (
        "POST",
        "/initiatives/{initiative}/metrics/import/AAAAAAAAAAAAAAAAAAAAAA/map",
        {},
        (302, 403, 404, 404, 404),
    ),
    (
        "POST",
        "/initiatives/{initiative}/metrics/import/AAAAAAAAAAAAAAAAAAAAAA/conflict",
        {},
        (302, 403, 404, 404, 404),
    ),
    (
        "POST",
        "/initiatives/{initiative}/metrics/import/AAAAAAAAAAAAAAAAAAAAAA/cancel",
        {},
        (302, 403, 404, 404, 404),
    ),
    # Live workshops: members see the list, consultants facilitate. {workshop} is open.
    ("GET", "/initiatives/{initiative}/workshops", None, (302, 200, 200, 404, 200)),
    ("POST", "/initiatives/{initiative}/workshops", {}, (302, 403, 302, 404, 302)),
    ("GET", "/workshops/{workshop}", None, (302, 403, 200, 404, 200)),
    ("GET", "/workshops/{workshop}/live.json", None, (302, 403, 200, 404, 200)),
    ("POST", "/workshops/{workshop}/close", {}, (302, 403, 302, 404, 302)),
    ("GET", "/workshops/999999", None, (302, 404, 404, 404, 404)),
    # Pages without an account: the link or the code is the key, whoever holds it.
    ("GET", "/login", None, (200, 302, 302, 302, 302)),
    ("POST", "/login", {}, (422, 302, 302, 302, 302)),
    ("POST", "/logout", {}, (302, 302, 302, 302, 302)),
    # Everyone's own account: a password change, "log out everywhere" (tests/test_sessions.py).
    ("GET", "/account", None, (302, 200, 200, 200, 200)),
    ("POST", "/account/password", {}, (302, 422, 422, 422, 422)),
    ("POST", "/account/logout-everywhere", {}, (302, 302, 302, 302, 302)),
    # The Monday digest boxes: nothing ticked turns it off (tests/test_digest.py).
    ("POST", "/account/digest", {}, (302, 302, 302, 302, 302)),
    ("GET", "/invite/{invite}", None, (200, 200, 200, 200, 200)),
    ("POST", "/invite/{invite}", {}, (422, 422, 422, 422, 422)),
    ("GET", "/invite/not-a-token", None, (410, 410, 410, 410, 410)),
    ("GET", "/join", None, (200, 200, 200, 200, 200)),
    ("POST", "/join", {}, (422, 422, 422, 422, 422)),
    ("GET", "/join/vote", None, (302, 302, 302, 302, 302)),
    ("POST", "/join/vote", {}, (302, 302, 302, 302, 302)),
    ("GET", "/p/{pulse_code}", None, (200, 200, 200, 200, 200)),
    ("POST", "/p/{pulse_code}", {"kotter_urgency_1": "9"}, (422, 422, 422, 422, 422)),
    ("GET", "/p/{pulse_code}/thanks", None, (200, 200, 200, 200, 200)),
    ("GET", "/p/AAAAAAAAAAAA", None, (404, 404, 404, 404, 404)),
    ("GET", "/360/{observer_code}", None, (200, 200, 200, 200, 200)),
    ("POST", "/360/{observer_code}", {}, (422, 422, 422, 422, 422)),
    ("GET", "/360/{observer_code}/thanks", None, (200, 200, 200, 200, 200)),
    ("GET", "/360/not-a-code", None, (404, 404, 404, 404, 404)),
    ("GET", "/healthz", None, (200, 200, 200, 200, 200)),
    ("GET", "/favicon.ico", None, (200, 200, 200, 200, 200)),
    # The JSON API: a bearer token instead of a session; no token is 401, never a redirect.
    ("GET", "/api/v1/openapi.json", None, (200, 200, 200, 200, 200)),
    ("GET", "/api/v1/organizations", None, (401, 200, 200, 200, 200)),
    ("GET", "/api/v1/organizations/{org}/initiatives", None, (401, 200, 200, 404, 200)),
    ("GET", "/api/v1/organizations/{other_org}/initiatives", None, (401, 404, 404, 200, 200)),
    ("GET", "/api/v1/initiatives/{initiative}/teams", None, (401, 200, 200, 404, 200)),
    ("GET", "/api/v1/initiatives/{initiative}/stages", None, (401, 200, 200, 404, 200)),
    ("GET", "/api/v1/initiatives/{initiative}/leaders", None, (401, 200, 200, 404, 200)),
    (
        "GET",
        "/api/v1/leaders/{executive}/practices?cycle={cycle}",
        None,
        (401, 200, 200, 404, 200),
    ),
    ("GET", "/api/v1/initiatives/{initiative}/metrics", None, (401, 200, 200, 404, 200)),
    ("POST", "/api/v1/initiatives/{initiative}/metrics", {}, (401, 403, 415, 404, 415)),
    (
        "GET",
        "/api/v1/initiatives/{initiative}/metrics/adoption_rate",
        None,
        (401, 200, 200, 404, 200),
    ),
    ("GET", "/api/v1/initiatives/{initiative}/surveys", None, (401, 200, 200, 404, 200)),
    ("GET", "/api/v1/initiatives/{initiative}/diagnosis", None, (401, 200, 200, 404, 200)),
    ("GET", "/api/v1/initiatives/{initiative}/effects", None, (401, 200, 200, 404, 200)),
    ("GET", "/api/v1/surveys/{survey}/results", None, (401, 200, 200, 404, 200)),
    ("GET", "/api/v1/initiatives/999999/teams", None, (401, 404, 404, 404, 404)),
]

# Reached without logging in; every other page sends an anonymous visitor to the login page.
PUBLIC = ("/login", "/invite/", "/join", "/p/", "/360/", "/healthz", "/favicon.ico")


def _ids(world: World, path: str = "") -> dict[str, int | str]:
    ids: dict[str, int | str] = {
        "org": world.organization.id,
        "other_org": world.other_organization.id,
        "initiative": world.initiative.id,
        "other_initiative": world.other_initiative.id,
        "team": world.team.id,
        "executive": world.executive.id,
    }
    if "{cycle}" in path or "{observer_code}" in path:
        cycle = make_practice_cycle(world.initiative, world.executive)
        db.session.commit()
        ids.update(cycle=cycle.id, observer_code=cycle.observer_code)
    if any(name in path for name in ("{survey}", "{campaign}", "{survey_action}", "{pulse_code}")):
        survey = make_survey(world.initiative)
        ids["survey"] = survey.id
        ids["campaign"] = make_campaign(survey, [world.team]).id
        ids["pulse_code"] = team_code(survey, world.team)
    if "{survey_action}" in path:
        ids["survey_action"] = _survey_action(int(ids["survey"]), world)
    if any(name in path for name in ("{evidence}", "{action}", "{round}")):
        ids.update(_step_tracker_ids(world))
    if "{workshop}" in path:
        ids["workshop"] = workshops.start_session(world.initiative, world.consultant).id
        db.session.commit()
    if "{sent_mail}" in path:
        ids["sent_mail"] = _outbox_mail(world)
    if "{invite}" in path:
        _, ids["invite"] = accounts.create_invitation(
            world.organization, "invitee@acme.example", Role.EXECUTIVE, world.consultant
        )
        db.session.commit()
    return ids


def _survey_action(survey_id: int, world: World) -> int:
    action = SurveyAction(
        survey_id=survey_id, you_said="x", we_did="y", created_by_id=world.consultant.id
    )
    db.session.add(action)
    db.session.commit()
    return action.id


def _outbox_mail(world: World) -> int:
    """A reminder waiting in the world's organisation's outbox."""
    mail = SentMail(
        key="reminder:matrix:1", kind="reminder", recipient="ana@acme.example",
        subject="Reminder", via="outbox", organization_id=world.organization.id,
        body_text="Answer here", body_html="<p>Answer here</p>",
    )  # fmt: skip
    db.session.add(mail)
    db.session.commit()
    return mail.id


def _step_tracker_ids(world: World) -> dict[str, int]:
    """An evidence item, an action and an open round of the world's initiative."""
    evidence = stages.stage_for(world.initiative, "vision").evidence[0]
    action = stages.save_action(
        world.initiative, stage_key="vision", title="Write the vision down",
        owner=None, due_date=None, status="open", by=world.consultant,
    )  # fmt: skip
    assessment = stages.create_round(
        world.initiative, "Kick-off", date(2026, 5, 4), world.consultant
    )
    db.session.commit()
    return {"evidence": evidence.id, "action": action.id, "round": assessment.id}


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
    user = world.user(who)
    headers: dict[str, str] = {}
    if path.startswith("/api/"):
        headers = api_headers(user)
    else:
        login(client, user)
    url = path.format(**_ids(world, path))
    response = client.open(url, method=method, data=data, headers=headers)
    response.close()  # a file sent as it is (the favicon) stays open until then
    assert response.status_code == expected
    if who == "anonymous" and not path.startswith(PUBLIC + ("/api/",)):
        assert "/login" in response.headers["Location"]


def _matrix_pairs(app: Flask) -> set[tuple[str, str]]:
    """The (method, rule) of every row, as Flask routes it."""
    adapter = app.url_map.bind("localhost")
    pairs = set()
    for method, path, _, _ in ROUTES:
        concrete = re.sub(r"\{[a-z_]+\}", "1", path.split("?")[0])
        rule, _ = adapter.match(concrete, method=method, return_rule=True)
        pairs.add((method, rule.rule))
    return pairs


def test_the_matrix_covers_every_route_and_method(app: Flask) -> None:
    """A new route or method must say who may use it here before it can ship."""
    routed = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
    missing = sorted(routed - _matrix_pairs(app), key=lambda pair: (pair[1], pair[0]))
    assert not missing, "Add to ROUTES in tests/test_access_matrix.py:\n" + "\n".join(
        f"  {method} {rule}" for method, rule in missing
    )


def test_outsider_404_page_does_not_name_the_organisation(
    client: FlaskClient, world: World
) -> None:
    login(client, world.outsider)
    response = client.get(f"/orgs/{world.organization.id}")
    assert response.status_code == 404
    assert "Acme" not in response.get_data(as_text=True)
