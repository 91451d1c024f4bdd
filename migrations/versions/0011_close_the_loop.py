"""close the loop: action effects, team leaders, digest, reminders, mail

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 04:57:19

When an action was done and which teams it touched (its effect against the
others), the leader of each team, the Monday digest opt-in, reminder settings
and counts for personal links, and the log (and outbox) of email sent.

"""
from alembic import op
import sqlalchemy as sa
import models.base


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sent_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=True),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_sent_mail_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_mail')),
    sa.UniqueConstraint('key', name=op.f('uq_sent_mail_key'))
    )
    with op.batch_alter_table('sent_mail', schema=None) as batch_op:
        batch_op.create_index('ix_sent_mail_organization', ['organization_id', 'created_at'], unique=False)

    op.create_table('action_team',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_team_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_action_team_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'team_id', name=op.f('pk_action_team'))
    )
    with op.batch_alter_table('action_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_team_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weekly_digest', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('personal_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_reminded_at', models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_after_days', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('reminder_limit', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('survey_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_on', sa.Date(), nullable=True))

    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leader_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_team_leader_id'), ['leader_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_team_leader_id_user'), 'user', ['leader_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_team_leader_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_team_leader_id'))
        batch_op.drop_column('leader_id')

    with op.batch_alter_table('survey_action', schema=None) as batch_op:
        batch_op.drop_column('done_on')

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('reminder_limit')
        batch_op.drop_column('reminder_after_days')

    with op.batch_alter_table('personal_link', schema=None) as batch_op:
        batch_op.drop_column('last_reminded_at')
        batch_op.drop_column('reminders_sent')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('weekly_digest')

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('done_at')

    with op.batch_alter_table('action_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_team_team_id'))

    op.drop_table('action_team')
    with op.batch_alter_table('sent_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_sent_mail_organization')

    op.drop_table('sent_mail')
