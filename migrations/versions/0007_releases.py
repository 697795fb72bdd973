"""Releases: numbered published states of an agenda, what each changed, and pending CANCELs

Revision ID: 0007_releases
Revises: 0006_feed_stamps
Create Date: 2026-11-23 10:52:37.041985

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_releases'
down_revision = '0006_feed_stamps'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('snapshot_json', sa.Text(), nullable=False),
    sa.Column('changes_json', sa.Text(), nullable=False),
    sa.Column('notified', sa.Integer(), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_releases_number_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_releases_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['organisers.id'], name=op.f('fk_releases_organiser_id_organisers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_releases')),
    sa.UniqueConstraint('event_id', 'number', name='uq_releases_event_number')
    )
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_releases_event_id'), ['event_id'], unique=False)

    op.create_table('pending_cancellations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('slot_uid', sa.String(length=36), nullable=False),
    sa.Column('invitation_uid', sa.String(length=36), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start_utc', sa.DateTime(), nullable=False),
    sa.Column('end_utc', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_pending_cancellations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_cancellations'))
    )
    with op.batch_alter_table('pending_cancellations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_cancellations_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_cancellations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_cancellations_event_id'))

    op.drop_table('pending_cancellations')
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_releases_event_id'))

    op.drop_table('releases')
