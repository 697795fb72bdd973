"""Erasure and retention: anonymous tallies of erased registrations; outbox messages erased once sent

Revision ID: 0012_privacy
Revises: 0011_outbox_message_id
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_privacy'
down_revision = '0011_outbox_message_id'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=8), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint("dimension IN ('status', 'country', 'timezone')", name=op.f('ck_registration_tallies_dimension_known')),
    sa.CheckConstraint('count > 0', name=op.f('ck_registration_tallies_count_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registration_tallies_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_tallies')),
    sa.UniqueConstraint('event_id', 'dimension', 'value', name='uq_registration_tallies_event_dimension_value')
    )
    with op.batch_alter_table('registration_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_tallies_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erase_after_sending', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('erase_after_sending')

    with op.batch_alter_table('registration_tallies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_tallies_event_id'))

    op.drop_table('registration_tallies')
