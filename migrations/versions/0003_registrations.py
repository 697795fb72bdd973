"""Add registrations

Revision ID: 0003_registrations
Revises: 0002_outbox
Create Date: 2026-11-23 08:57:52.437269

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_registrations'
down_revision = '0002_outbox'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='registration_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('waitlist_position', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(status = 'waitlisted') = (waitlist_position IS NOT NULL)", name=op.f('ck_registrations_waitlisted_have_a_position')),
    sa.CheckConstraint('email = lower(trim(email))', name=op.f('ck_registrations_email_normalised')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registrations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('event_id', 'email', name='uq_registrations_event_email'),
    sa.UniqueConstraint('event_id', 'waitlist_position', name='uq_registrations_event_waitlist_position'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_registrations_token_hash')),
    sa.UniqueConstraint('uid', name=op.f('uq_registrations_uid'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_event_id'), ['event_id'], unique=False)




def downgrade():

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_event_id'))

    op.drop_table('registrations')

