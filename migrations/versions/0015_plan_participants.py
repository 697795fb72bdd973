"""The participants an organiser adds to an event's planner

Revision ID: 0015_plan_participants
Revises: 0014_names
Create Date: 2026-12-04 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_plan_participants'
down_revision = '0014_names'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('person', 'audience', name='participant_kind', native_enum=False,
                              create_constraint=True, length=8), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('window_start', sa.Integer(), nullable=False),
    sa.Column('window_end', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('weight > 0', name=op.f('ck_plan_participants_weight_positive')),
    sa.CheckConstraint('window_start >= 0 AND window_start < 1440 AND window_end >= 0 AND window_end < 1440 '
                       'AND window_start <> window_end', name=op.f('ck_plan_participants_window_within_a_day')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_plan_participants_event_id_events'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_participants')),
    sa.UniqueConstraint('event_id', 'label', name='uq_plan_participants_event_label')
    )
    with op.batch_alter_table('plan_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_participants_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_participants_event_id'))

    op.drop_table('plan_participants')
