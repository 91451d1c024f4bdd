"""languages: a survey's default language, the language of each answer, published counts

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 08:10:00

A survey's default language (staff pages fall back to it), the language each
pulse response was given in (never shown per response; counted per published
group only where the anonymity rule allows), and those counts, stored once
when a campaign is published.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_language', sa.String(length=8), server_default='en', nullable=False))

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))

    with op.batch_alter_table('published_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('published_group', schema=None) as batch_op:
        batch_op.drop_column('languages')

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('language')

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('default_language')
