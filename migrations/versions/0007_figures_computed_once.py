"""figures computed once: alpha and ADKAR barriers of published groups, usage outlooks

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 23:40:00

Groups published before this revision keep NULL alphas and ADKAR counts, and existing series
have no stored outlook: both are computed when read, exactly as before, until
the next import (or target change) stores the outlooks.
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('published_group') as batch_op:
        batch_op.add_column(sa.Column('alphas', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('adkar', sa.JSON(), nullable=True))
    op.create_table('series_outlook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('trend', sa.JSON(), nullable=False),
    sa.Column('projection', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['metric_id'], ['metric.id'], name=op.f('fk_series_outlook_metric_id_metric'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_series_outlook_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series_outlook'))
    )
    op.create_index('ix_series_outlook_metric', 'series_outlook', ['metric_id', 'team_id'], unique=False)


def downgrade():
    op.drop_index('ix_series_outlook_metric', table_name='series_outlook')
    op.drop_table('series_outlook')
    with op.batch_alter_table('published_group') as batch_op:
        batch_op.drop_column('adkar')
        batch_op.drop_column('alphas')
