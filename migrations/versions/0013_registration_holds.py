"""Seats held until the address is confirmed; when each registration and speaker link was last used

Revision ID: 0013_registration_holds
Revises: 0012_privacy
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_registration_holds'
down_revision = '0012_privacy'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('pending', 'confirmed', 'waitlisted', 'cancelled')"
NEW_STATUSES = "status IN ('pending', 'confirmed', 'waitlisted', 'held', 'cancelled')"


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmation_hours', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'email_confirmation_hours_in_range',
            'email_confirmation_hours IS NULL OR email_confirmation_hours BETWEEN 1 AND 168')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('held_until', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_registrations_registration_status'), type_='check')
        batch_op.create_check_constraint('registration_status', NEW_STATUSES)
        batch_op.create_check_constraint('held_have_a_deadline', "(status = 'held') = (held_until IS NOT NULL)")
        batch_op.create_index(batch_op.f('ix_registrations_held_until'), ['held_until'], unique=False)

    for table in ('registration_links', 'speaker_links'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('last_used_at', sa.DateTime(), nullable=True))


def downgrade():
    for table in ('registration_links', 'speaker_links'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('last_used_at')

    # A held seat was never confirmed: it goes back, as its deadline would have done.
    op.execute("UPDATE registrations SET status = 'cancelled', held_until = NULL WHERE status = 'held'")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_held_until'))
        batch_op.drop_constraint(batch_op.f('ck_registrations_held_have_a_deadline'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_registrations_registration_status'), type_='check')
        batch_op.create_check_constraint('registration_status', OLD_STATUSES)
        batch_op.drop_column('held_until')
        batch_op.drop_column('email_confirmed_at')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_events_email_confirmation_hours_in_range'), type_='check')
        batch_op.drop_column('email_confirmation_hours')
