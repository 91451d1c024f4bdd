"""The audit log: every administrative action, done through the pages, leaves one entry
naming who did it and to what; a refused action leaves none; the log is read by those
who manage the organisation (and site admins), nobody else."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from app.services import accounts, stages
from models import AuditEvent, Role, SurveyAction, User, db
from models.base import utcnow
from tests.builders import (
    answer,
    login,
    make_campaign,
    make_personal_link,
    make_practice_cycle,
    make_survey,
    make_team,
    make_user,
)
from tests.conftest import World

STRONG_PASSWORD = "violet-harbour-kettle-93"


def entries() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def text(response: object) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))  # type: ignore[attr-defined]


@pytest.fixture
def imports(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "imports"
    app.config["STEPWISE_IMPORTS_DIR"] = str(folder)
    return folder


@dataclass(frozen=True)
class Case:
    """An action done through the pages: who does it, what it does, and what the entry says."""

    who: str
    do: Callable[[FlaskClient, World], object]
    action: str
    names: tuple[str, ...]  # texts the summary must hold (the object acted on)


def _invite(client: FlaskClient, world: World) -> object:
    data = {"email": "new.person@acme.example", "role": "executive"}
    return client.post(f"/orgs/{world.organization.id}/members", data=data)


def _remove_member(client: FlaskClient, world: World) -> object:
    return client.post(f"/orgs/{world.organization.id}/members/{world.executive.id}/remove")


def _delete_team(client: FlaskClient, world: World) -> object:
    return client.post(f"/teams/{world.team.id}/delete", data={})


def _restore_team(client: FlaskClient, world: World) -> object:
    team = make_team(world.organization, "Old claims", archived_at=utcnow())
    db.session.commit()
    return client.post(f"/teams/{team.id}/restore")


def _import_teams(client: FlaskClient, world: World) -> object:
    data = {"import-lines": "Sales, 8\nClaims, 14"}
    return client.post(f"/orgs/{world.organization.id}/teams/import", data=data)


def _open_campaign(world: World, **when: object) -> int:
    survey = make_survey(world.initiative, title="Monthly pulse")
    campaign = make_campaign(survey, [world.team], **when)  # type: ignore[arg-type]
    db.session.commit()
    return campaign.id


def _close_campaign(client: FlaskClient, world: World) -> object:
    return client.post(f"/campaigns/{_open_campaign(world)}/close")


def _cancel_campaign(client: FlaskClient, world: World) -> object:
    later = utcnow() + timedelta(days=5)
    return client.post(f"/campaigns/{_open_campaign(world, opens_at=later)}/cancel")


def _close_cycle(client: FlaskClient, world: World) -> object:
    cycle = make_practice_cycle(world.initiative, world.executive, world.consultant)
    db.session.commit()
    return client.post(f"/practices/{cycle.id}/close")


def _export_answers(client: FlaskClient, world: World) -> object:
    survey = make_survey(world.initiative, title="Monthly pulse")
    db.session.commit()
    response = client.get(f"/surveys/{survey.id}/answers.csv")
    assert response.status_code == 200
    return response


def _export_unused_links(client: FlaskClient, world: World) -> object:
    survey = make_survey(world.initiative, title="Monthly pulse")
    campaign = make_campaign(survey, [world.team])
    make_personal_link(campaign, world.team)
    response = client.get(f"/campaigns/{campaign.id}/personal-links.csv")
    assert response.status_code == 200 and "ana@acme.example" in response.text
    return response


def _import_metrics(client: FlaskClient, world: World) -> object:
    base = f"/initiatives/{world.initiative.id}/metrics"
    data = {
        "kind": "wide",
        "file": (io.BytesIO(b"date,team,csat\n2026-06-01,Claims,80\n"), "export.csv"),
        "date_format": "iso",
        "on_conflict": "reject",
    }
    location = client.post(f"{base}/import", data=data, content_type="multipart/form-data")
    token = location.headers["Location"].rstrip("/").split("/")[-2]
    return client.post(f"{base}/import/{token}/confirm")


def _delete_survey_action(client: FlaskClient, world: World) -> object:
    survey = make_survey(world.initiative, title="Monthly pulse")
    entry = SurveyAction(survey_id=survey.id, you_said="x", we_did="y")
    db.session.add(entry)
    db.session.commit()
    return client.post(f"/survey-actions/{entry.id}/delete")


def _remove_evidence(client: FlaskClient, world: World) -> object:
    item = stages.add_evidence(stages.stage_for(world.initiative, "vision"), "Vision on the wall")
    db.session.commit()
    return client.post(f"/evidence/{item.id}/delete")


def _create_organization(client: FlaskClient, world: World) -> object:
    data = {"name": "Initech", "consultant_email": "lead@initech.example"}
    return client.post("/admin/organizations", data=data)


def _create_account(client: FlaskClient, world: World) -> object:
    data = {"email": "new.consultant@example.example", "name": "Nia", "password": STRONG_PASSWORD}
    return client.post("/admin/users", data=data)


CASES = {
    "invitation": Case("consultant", _invite, "invitation.created", ("new.person@acme.example",)),
    "member removal": Case("consultant", _remove_member, "member.removed", ("exec@acme.example",)),
    "team deletion": Case("consultant", _delete_team, "team.removed", ("Deleted team Claims",)),
    "team restore": Case("consultant", _restore_team, "team.restored", ("Old claims",)),
    "team import": Case("consultant", _import_teams, "teams.imported", ("2 teams", "1 new")),
    "campaign close": Case("consultant", _close_campaign, "campaign.closed", ("Monthly pulse",)),
    "campaign cancel": Case(
        "consultant", _cancel_campaign, "campaign.cancelled", ("Monthly pulse",)
    ),
    "360 close": Case("consultant", _close_cycle, "cycle.closed", ("360",)),
    "raw export": Case("consultant", _export_answers, "answers.exported", ("Monthly pulse",)),
    "links export": Case(
        "consultant", _export_unused_links, "links.exported", ("Monthly pulse", "campaign #")
    ),
    "metric import": Case("consultant", _import_metrics, "metrics.imported", ("1 metric value",)),
    "you-said deletion": Case(
        "consultant", _delete_survey_action, "survey_action.deleted", ("Monthly pulse",)
    ),
    "evidence removal": Case(
        "consultant", _remove_evidence, "evidence.removed", ("Vision on the wall",)
    ),
    "organisation": Case("admin", _create_organization, "organization.created", ("Initech",)),
    "account": Case("admin", _create_account, "account.created", ("new.consultant@",)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_action_writes_one_entry_naming_the_actor_and_the_object(
    client: FlaskClient, world: World, imports: Path, case: Case
) -> None:
    actor = world.user(case.who)
    assert actor is not None
    login(client, actor)
    before = len(entries())
    response = case.do(client, world)
    assert response.status_code in (200, 302), text(response)[:1000]  # type: ignore[attr-defined]
    new = entries()[before:]
    assert [event.action for event in new] == [case.action]
    event = new[0]
    assert event.actor_email == actor.email and event.actor_id == actor.id
    for name in case.names:
        assert name in event.summary
    # It shows on the log of whoever may read it, under its kind.
    log = "/admin/audit" if case.who == "admin" else f"/orgs/{world.organization.id}/audit"
    page = text(client.get(f"{log}?action={case.action}"))
    assert case.names[0] in page and actor.email in page


def test_accepting_an_invitation_is_logged_as_the_new_member(
    client: FlaskClient, world: World
) -> None:
    _, token = accounts.create_invitation(
        world.organization, "Joiner@Acme.example", Role.EXECUTIVE, world.consultant
    )
    db.session.commit()
    data = {"name": "Jo Iner", "password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD}
    assert client.post(f"/invite/{token}", data=data).status_code == 302
    [event] = entries()
    assert event.action == "invitation.accepted"
    assert event.actor_email == "joiner@acme.example"
    assert event.organization_id == world.organization.id


def test_the_close_of_a_360_by_the_system_names_nobody(client: FlaskClient, world: World) -> None:
    from app.services import practices

    cycle = make_practice_cycle(world.initiative, world.executive, world.consultant)
    db.session.commit()
    assert practices.close_cycle(cycle)
    assert not practices.close_cycle(cycle), "closing again is no new action"
    [event] = entries()
    assert event.action == "cycle.closed" and event.actor_email is None
    login(client, world.consultant)
    assert "system" in text(client.get(f"/orgs/{world.organization.id}/audit"))


def test_a_refused_action_writes_no_entry(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    org = world.organization.id
    bad_invite = {"email": "not an address", "role": "executive"}
    assert client.post(f"/orgs/{org}/members", data=bad_invite).status_code == 422
    bad_paste = {"import-lines": "Sales, many"}
    assert client.post(f"/orgs/{org}/teams/import", data=bad_paste).status_code == 422
    # The last consultant cannot be removed: the page says so, nothing is logged.
    client.post(f"/orgs/{org}/members/{world.consultant.id}/remove")
    closed = _open_campaign(world, opens_at=utcnow() - timedelta(days=20))
    client.post(f"/campaigns/{closed}/close")  # already over: refused
    assert entries() == []


def test_consultants_see_their_organisations_entries_only(
    client: FlaskClient, world: World
) -> None:
    other_consultant = make_user(organization=world.other_organization, role=Role.CONSULTANT)
    db.session.commit()
    login(client, world.consultant)
    _invite(client, world)
    client.post("/logout")
    login(client, other_consultant)
    client.post(
        f"/orgs/{world.other_organization.id}/members",
        data={"email": "globex.person@globex.example", "role": "executive"},
    )
    assert client.get(f"/orgs/{world.organization.id}/audit").status_code == 404
    own = text(client.get(f"/orgs/{world.other_organization.id}/audit"))
    assert "globex.person@globex.example" in own and "new.person@acme.example" not in own
    csv_body = client.get(f"/orgs/{world.other_organization.id}/audit.csv").get_data(as_text=True)
    assert "globex.person" in csv_body and "new.person" not in csv_body
    assert client.get("/admin/audit").status_code == 403


def test_executives_get_403_and_admins_see_every_organisation(
    client: FlaskClient, world: World
) -> None:
    login(client, world.consultant)
    _invite(client, world)
    client.post("/logout")
    login(client, world.executive)
    assert client.get(f"/orgs/{world.organization.id}/audit").status_code == 403
    assert client.get(f"/orgs/{world.organization.id}/audit.csv").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    client.post("/logout")
    login(client, world.admin)
    _create_organization(client, world)
    page = text(client.get("/admin/audit"))
    assert "new.person@acme.example" in page and "Initech" in page and "Acme Insurance" in page
    only = text(client.get("/admin/audit?action=organization.created"))
    assert "Initech" in only and "new.person@acme.example" not in only


def test_the_log_is_newest_first_and_paged(client: FlaskClient, world: World) -> None:
    from app.services import audit

    for number in range(55):
        audit.record(
            "team.restored", f"Entry {number:02d}", actor=None, organization=world.organization
        )
    db.session.commit()
    login(client, world.consultant)
    first = text(client.get(f"/orgs/{world.organization.id}/audit"))
    assert first.index("Entry 54") < first.index("Entry 53") and "Entry 04" not in first
    second = text(client.get(f"/orgs/{world.organization.id}/audit?page=2"))
    assert "Entry 04" in second and "Entry 54" not in second


def test_the_csv_hands_no_formula_to_a_spreadsheet(client: FlaskClient, world: World) -> None:
    login(client, world.admin)
    client.post("/admin/organizations", data={"name": "=HYPERLINK(1)"})
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    assert rows[0] == ["when_utc", "organization", "actor", "action", "summary"]
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][2] == world.admin.email


def test_an_entry_outlives_the_actors_account(client: FlaskClient, world: World) -> None:
    login(client, world.consultant)
    _invite(client, world)
    client.post("/logout")
    email = world.consultant.email
    db.session.execute(delete(User).where(User.id == world.consultant.id))
    db.session.commit()
    [event] = entries()
    assert event.actor_id is None and event.actor_email == email
    login(client, world.admin)
    assert email in text(client.get(f"/orgs/{world.organization.id}/audit"))


def test_entries_hold_no_answer(client: FlaskClient, world: World) -> None:
    """The raw export's entry names the survey, never what is in the file."""
    survey = make_survey(world.initiative, title="Monthly pulse")
    campaign = make_campaign(survey, [world.team])
    answer(campaign, world.team, [{"kotter_urgency_1": 2}] * 6, comments=["secret remark"] * 6)
    db.session.commit()
    login(client, world.consultant)
    client.get(f"/surveys/{survey.id}/answers.csv?campaign={campaign.id}")
    [event] = entries()
    assert "secret remark" not in repr((event.summary, event.details))
    assert event.details == {"survey_id": survey.id, "campaign_id": campaign.id}
