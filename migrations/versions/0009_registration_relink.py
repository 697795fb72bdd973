"""When a registration's link was last mailed, so a repeated address gets it at most once an hour

Revision ID: 0009_registration_relink
Revises: 0008_held_entries
Create Date: 2026-12-03 16:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_registration_relink'
down_revision = '0008_held_entries'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_mailed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('link_mailed_at')
