"""steps and catalogue for every initiative: created with the initiative, never on a read

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:00:00

Pages used to create an initiative's eight Kotter steps and its default metric
catalogue on first view, so a GET could write. Initiatives now get both when
they are created; this gives every existing initiative whatever it lacks, the
same rows ``ensure_stages`` and ``ensure_catalogue`` would have made. Steps and
metrics already present are left as they are.
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import models.base
from insights.adoption import DEFAULT_CATALOGUE, default_target_date
from insights.kotter import STEPS


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


initiative = sa.table(
    'initiative',
    sa.column('id', sa.Integer),
    sa.column('start_date', sa.Date),
    sa.column('go_live_date', sa.Date),
)
stage = sa.table(
    'stage',
    sa.column('id', sa.Integer),
    sa.column('initiative_id', sa.Integer),
    sa.column('key', sa.String),
    sa.column('position', sa.Integer),
    sa.column('status', sa.String),
    sa.column('notes', sa.Text),
)
evidence_item = sa.table(
    'evidence_item',
    sa.column('stage_id', sa.Integer),
    sa.column('position', sa.Integer),
    sa.column('text', sa.String),
)
metric = sa.table(
    'metric',
    sa.column('initiative_id', sa.Integer),
    sa.column('key', sa.String),
    sa.column('name', sa.String),
    sa.column('unit', sa.String),
    sa.column('direction', sa.String),
    sa.column('category', sa.String),
    sa.column('description', sa.Text),
    sa.column('target', sa.Float),
    sa.column('target_date', sa.Date),
    sa.column('is_default', sa.Boolean),
    sa.column('created_at', models.base.UTCDateTime(timezone=True)),
)


def upgrade():
    connection = op.get_bind()
    now = datetime.now(UTC)
    for initiative_id, start_date, go_live_date in connection.execute(
        sa.select(initiative.c.id, initiative.c.start_date, initiative.c.go_live_date)
    ).all():
        _add_missing_steps(connection, initiative_id)
        _add_missing_metrics(connection, initiative_id, default_target_date(start_date, go_live_date), now)


def _add_missing_steps(connection, initiative_id):
    present = set(connection.scalars(sa.select(stage.c.key).where(stage.c.initiative_id == initiative_id)))
    for step in STEPS:
        if step.key in present:
            continue
        connection.execute(stage.insert().values(
            initiative_id=initiative_id, key=step.key, position=step.position,
            status='not_started', notes='',
        ))
        stage_id = connection.scalar(
            sa.select(stage.c.id).where(stage.c.initiative_id == initiative_id, stage.c.key == step.key)
        )
        if step.evidence:
            connection.execute(evidence_item.insert(), [
                {'stage_id': stage_id, 'position': position, 'text': text}
                for position, text in enumerate(step.evidence)
            ])


def _add_missing_metrics(connection, initiative_id, target_date, now):
    present = set(connection.scalars(sa.select(metric.c.key).where(metric.c.initiative_id == initiative_id)))
    rows = [
        {
            'initiative_id': initiative_id, 'key': d.key, 'name': d.name, 'unit': d.unit,
            'direction': d.direction, 'category': d.category, 'description': d.description,
            'target': d.target, 'target_date': target_date, 'is_default': True, 'created_at': now,
        }
        for d in DEFAULT_CATALOGUE
        if d.key not in present
    ]
    if rows:
        connection.execute(metric.insert(), rows)


def downgrade():
    # Nothing to undo: the rows are what the application itself would have created.
    pass
