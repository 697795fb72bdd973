"""Feeds (when each slot last changed, organisers' feed links) and attendee reminders

Revision ID: 0006_feed_stamps
Revises: 0005_speaker_invitations
Create Date: 2026-11-23 10:40:58.874592

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_feed_stamps'
down_revision = '0005_speaker_invitations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organisers_feed_token_hash'), ['feed_token_hash'])

    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    # Existing slots changed, at the latest, when their event last did.
    op.execute("UPDATE slots SET updated_at = (SELECT updated_at FROM events WHERE events.id = slots.event_id)")



    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remind_day_before', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('remind_hour_before', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_day_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reminded_hour_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('reminded_hour_at')
        batch_op.drop_column('reminded_day_at')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('remind_hour_before')
        batch_op.drop_column('remind_day_before')

    with op.batch_alter_table('slots', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('organisers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organisers_feed_token_hash'), type_='unique')
        batch_op.drop_column('feed_token_hash')

