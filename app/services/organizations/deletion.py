"""Deleting an organisation: every row that belongs to it, in one transaction, in bulk.

Who may: site administrators and the organisation's consultants (``OrgAccess.can_manage``),
after typing its exact name. Its people keep their accounts (they may belong elsewhere);
only their membership goes. The audit entry recording the deletion outlives it, with the
organisation's name and the actor copied and no link to the deleted row.

Each table is emptied with one ``DELETE ... WHERE <owner> IN (SELECT ...)`` statement,
children before parents, so nothing is ever loaded into Python (an organisation may have
millions of answers) and nothing depends on ON DELETE CASCADE being declared, migrated or
switched on. ``OWNER`` names, for every table of organisation data, the column that ties
a row to its owner; ``tests/test_org_deletion.py`` fails when a table is in neither
``OWNER`` nor ``NOT_ORGANIZATION_DATA``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Table, delete, select

from app.services import audit
from app.services.errors import ServiceError
from app.services.transaction import commit
from models import Base, Organization, User, db

ORGANIZATION = "organization"

# table -> (its column naming the owner, the owner's table). Every owner is either the
# organisation itself or a table of this map, so the chain always ends at the organisation.
OWNER: dict[str, tuple[str, str]] = {
    "initiative": ("organization_id", ORGANIZATION),
    "team": ("organization_id", ORGANIZATION),
    "membership": ("organization_id", ORGANIZATION),
    "invitation": ("organization_id", ORGANIZATION),
    "audit_event": ("organization_id", ORGANIZATION),
    "sent_mail": ("organization_id", ORGANIZATION),
    "stage": ("initiative_id", "initiative"),
    "action": ("initiative_id", "initiative"),
    "assessment_round": ("initiative_id", "initiative"),
    "workshop_session": ("initiative_id", "initiative"),
    "practice_cycle": ("initiative_id", "initiative"),
    "survey": ("initiative_id", "initiative"),
    "metric": ("initiative_id", "initiative"),
    "import_mapping": ("initiative_id", "initiative"),
    "action_team": ("action_id", "action"),
    "stage_status_change": ("stage_id", "stage"),
    "evidence_item": ("stage_id", "stage"),
    "assessment_rating": ("round_id", "assessment_round"),
    "workshop_participant": ("session_id", "workshop_session"),
    "workshop_vote": ("session_id", "workshop_session"),
    "practice_response": ("cycle_id", "practice_cycle"),
    "practice_answer": ("response_id", "practice_response"),
    "survey_version": ("survey_id", "survey"),
    "survey_action": ("survey_id", "survey"),
    "team_link": ("survey_id", "survey"),
    "campaign": ("survey_id", "survey"),
    "campaign_team": ("campaign_id", "campaign"),
    "personal_link": ("campaign_id", "campaign"),
    "published_group": ("campaign_id", "campaign"),
    "response_tally": ("campaign_id", "campaign"),
    "answer_tally": ("campaign_id", "campaign"),
    "response": ("campaign_id", "campaign"),
    "answer": ("response_id", "response"),
    "observation": ("metric_id", "metric"),
    "series_outlook": ("metric_id", "metric"),
}

# Tables that hold no organisation's data: people and their ways in.
NOT_ORGANIZATION_DATA = frozenset({"user", "api_token", "login_session"})

CONFIRM_FIELD = "name"


@dataclass(frozen=True)
class Deletion:
    """What was deleted: the organisation's name and the rows removed per table."""

    name: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _belongs(name: str, organization_id: int) -> ColumnElement[bool]:
    """The condition selecting the rows of table ``name`` that belong to the organisation."""
    column, owner = OWNER[name]
    if owner == ORGANIZATION:
        return _table(name).c[column] == organization_id
    owners = select(_table(owner).c.id).where(_belongs(owner, organization_id))
    return _table(name).c[column].in_(owners)


def check_confirmation(organization: Organization, typed: str) -> None:
    """Refuse unless ``typed`` is the organisation's exact name (spaces around it ignored)."""
    if typed.strip() != organization.name:
        raise ServiceError(
            _(
                "Type the organisation's name exactly as shown, “%(name)s”, "
                "to delete it. Nothing was deleted.",
                name=organization.name,
            ),
            CONFIRM_FIELD,
        )


def delete_organization(
    organization: Organization, typed_name: str, actor: User | None
) -> Deletion:
    """Delete ``organization`` and everything of it, committed as one transaction.

    ``typed_name`` must be its exact name. Tables are emptied children first (the
    reverse of the metadata's dependency order), then the organisation row; the
    audit entry is added last, unlinked, so it survives the deletion it records.
    """
    check_confirmation(organization, typed_name)
    organization_id, name = organization.id, organization.name
    rows: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in OWNER:
            result: Any = db.session.execute(
                delete(table).where(_belongs(table.name, organization_id))
            )
            rows[table.name] = result.rowcount
    db.session.execute(
        delete(_table(ORGANIZATION)).where(_table(ORGANIZATION).c.id == organization_id)
    )
    db.session.expunge(organization)
    event = audit.record(
        "organization.deleted",
        f"Organisation “{name}” deleted with all of its data.",
        actor=actor,
        organization=None,
        details={"organization_id": organization_id, "rows": rows},
    )
    event.organization_name = name
    commit()
    return Deletion(name=name, rows=rows)
