"""An organisation's initiatives: their fields, and creating or editing one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.services import metrics, stages
from app.services.errors import ServiceError
from app.services.transaction import commit
from models import Initiative, Organization, db


@dataclass(frozen=True)
class InitiativeFields:
    name: str
    crm_product: str
    start_date: date
    go_live_date: date | None
    licensed_seats: int


def initiatives_of(organization_id: int) -> Sequence[Initiative]:
    """The organisation's initiatives, the most recently started first."""
    return db.session.scalars(
        select(Initiative)
        .where(Initiative.organization_id == organization_id)
        .order_by(Initiative.start_date.desc())
    ).all()


def check_initiative(fields: InitiativeFields) -> dict[str, str]:
    """Problems with the fields, by field name."""
    problems: dict[str, str] = {}
    if fields.go_live_date and fields.go_live_date < fields.start_date:
        problems["go_live_date"] = _("Go-live cannot be before the start date.")
    if fields.licensed_seats < 0:
        problems["licensed_seats"] = _("Licensed seats cannot be negative.")
    return problems


def initiative_name_taken(
    organization: Organization, name: str, *, except_id: int | None = None
) -> bool:
    query = select(Initiative.id).where(
        Initiative.organization_id == organization.id,
        func.lower(Initiative.name) == name.strip().lower(),
    )
    if except_id is not None:
        query = query.where(Initiative.id != except_id)
    return db.session.scalar(query) is not None


def save_initiative(
    organization: Organization, fields: InitiativeFields, initiative: Initiative | None = None
) -> Initiative:
    """Create or edit an initiative, committed; a new one gets its steps and catalogue now,
    so that no page has to create them on a GET."""
    problems = check_initiative(fields)
    if initiative_name_taken(
        organization, fields.name, except_id=initiative.id if initiative else None
    ):
        problems["name"] = _("This organisation already has an initiative with that name.")
    if problems:
        raise ServiceError(problems)
    new = initiative is None
    if initiative is None:
        initiative = Initiative(organization=organization)
        db.session.add(initiative)
    initiative.name = fields.name.strip()
    initiative.crm_product = fields.crm_product.strip()
    initiative.start_date = fields.start_date
    initiative.go_live_date = fields.go_live_date
    initiative.licensed_seats = fields.licensed_seats
    db.session.flush()
    if new:
        stages.ensure_stages(initiative)
        metrics.ensure_catalogue(initiative)
    commit()
    return initiative
