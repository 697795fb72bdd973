"""Each speaker's window for the planner (08:00-20:00 local until the organiser changes it)

Revision ID: 0016_speaker_windows
Revises: 0015_plan_participants
Create Date: 2026-12-04 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_speaker_windows'
down_revision = '0015_plan_participants'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('window_start', sa.Integer(), server_default='480', nullable=False))
        batch_op.add_column(sa.Column('window_end', sa.Integer(), server_default='1200', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_speakers_window_within_a_day'), 'window_start >= 0 AND window_start < 1440 AND window_end >= 0 AND '
            'window_end < 1440 AND window_start <> window_end')


def downgrade():
    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_speakers_window_within_a_day'), type_='check')
        batch_op.drop_column('window_end')
        batch_op.drop_column('window_start')
