"""metric basis

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 03:20:00

What an imported activity metric was counted from ("logins", "record changes"),
so its definition can say so next to its values.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('metric', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('basis', sa.String(length=60), server_default='', nullable=False)
        )
    # The default only filled the rows already there; the application writes the column.
    with op.batch_alter_table('metric', schema=None) as batch_op:
        batch_op.alter_column('basis', server_default=None)


def downgrade():
    with op.batch_alter_table('metric', schema=None) as batch_op:
        batch_op.drop_column('basis')
