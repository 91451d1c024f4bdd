"""published results, frozen team trees per campaign, archived teams

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 20:50:00

Campaigns created before this revision get their tree frozen from the teams
as they are now (the best that can be known); campaigns already closed stay
unpublished until the next ``surveys tick`` publishes them.
"""
import json

from alembic import op
import sqlalchemy as sa
import models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=True),
    sa.Column('enps', sa.Float(), nullable=True),
    sa.Column('comments_shown', sa.Boolean(), nullable=False),
    sa.Column('dimensions', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_published_group_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_group'))
    )
    with op.batch_alter_table('published_group', schema=None) as batch_op:
        batch_op.create_index('ix_published_group_campaign', ['campaign_id', 'team_id'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_tree', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('published_at', models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', models.base.UTCDateTime(timezone=True), nullable=True))

    _freeze_existing_trees()
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.alter_column('team_tree', existing_type=sa.JSON(), nullable=False)


def _freeze_existing_trees():
    bind = op.get_bind()
    teams = {}
    for team_id, organization_id, parent_id, name in bind.execute(
        sa.text('SELECT id, organization_id, parent_id, name FROM team')
    ):
        teams[team_id] = (parent_id, name)
    asked = {}
    for campaign_id, team_id in bind.execute(sa.text('SELECT campaign_id, team_id FROM campaign_team')):
        asked.setdefault(campaign_id, []).append(team_id)
    for (campaign_id,) in bind.execute(sa.text('SELECT id FROM campaign')).all():
        tree = {}
        for team_id in asked.get(campaign_id, []):
            node = team_id
            while node is not None and node in teams and node not in tree:
                parent_id, name = teams[node]
                tree[node] = [node, parent_id, name]
                node = parent_id
        bind.execute(
            sa.text('UPDATE campaign SET team_tree = :tree WHERE id = :id'),
            {'tree': json.dumps(sorted(tree.values())), 'id': campaign_id},
        )


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('published_at')
        batch_op.drop_column('team_tree')
    with op.batch_alter_table('published_group', schema=None) as batch_op:
        batch_op.drop_index('ix_published_group_campaign')
    op.drop_table('published_group')
