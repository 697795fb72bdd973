"""Speaker invitations: links, answers, proposals, reminders, their log; speaker photos

Revision ID: 0005_speaker_invitations
Revises: 0004_registration_links
Create Date: 2026-11-23 10:19:42.875071

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_speaker_invitations'
down_revision = '0004_registration_links'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('speaker_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], name=op.f('fk_speaker_links_speaker_id_speakers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_speaker_links_token_hash'))
    )
    with op.batch_alter_table('speaker_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_links_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('speaker_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_speaker_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['slot_speaker_id'], ['slot_speakers.id'], name=op.f('fk_speaker_log_slot_speaker_id_slot_speakers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_log'))
    )
    with op.batch_alter_table('speaker_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_log_slot_speaker_id'), ['slot_speaker_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speaker_reminder_days', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('speaker_reminder_max', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('show_unconfirmed_speakers', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('speaker_edits_locked', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint('speaker_reminder_days_positive', 'speaker_reminder_days > 0')
        batch_op.create_check_constraint('speaker_reminder_max_not_negative', 'speaker_reminder_max >= 0')

    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('photo_updated_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('slot_speakers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('proposed_start_utc', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('proposal_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_contacted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('in_calendar', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Each existing invitation gets its calendar UID; a "proposed" status
    # without a proposed time cannot be answered, so it becomes "invited".
    connection = op.get_bind()
    for (row_id,) in connection.execute(sa.text("SELECT id FROM slot_speakers")).all():
        connection.execute(sa.text("UPDATE slot_speakers SET uid = :uid WHERE id = :id"),
                           {"uid": str(uuid.uuid4()), "id": row_id})
    op.execute("UPDATE slot_speakers SET status = 'invited' WHERE status = 'proposed'")
    with op.batch_alter_table('slot_speakers', schema=None) as batch_op:
        batch_op.alter_column('uid', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_slot_speakers_uid'), ['uid'])
        batch_op.create_check_constraint(
            'proposals_have_a_time', "(status = 'proposed') = (proposed_start_utc IS NOT NULL)")
        batch_op.create_check_constraint('reminders_not_negative', 'reminders_sent >= 0')


def downgrade():
    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.drop_column('photo_updated_at')
        batch_op.drop_column('photo')

    with op.batch_alter_table('slot_speakers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_slot_speakers_reminders_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_slot_speakers_proposals_have_a_time'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_slot_speakers_uid'), type_='unique')
        batch_op.drop_column('in_calendar')
        batch_op.drop_column('last_contacted_at')
        batch_op.drop_column('reminders_sent')
        batch_op.drop_column('proposal_note')
        batch_op.drop_column('proposed_start_utc')
        batch_op.drop_column('decline_reason')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('invited_at')
        batch_op.drop_column('sequence')
        batch_op.drop_column('uid')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_events_speaker_reminder_max_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_events_speaker_reminder_days_positive'), type_='check')
        batch_op.drop_column('speaker_edits_locked')
        batch_op.drop_column('show_unconfirmed_speakers')
        batch_op.drop_column('speaker_reminder_max')
        batch_op.drop_column('speaker_reminder_days')

    with op.batch_alter_table('speaker_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_log_slot_speaker_id'))

    op.drop_table('speaker_log')
    with op.batch_alter_table('speaker_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_links_speaker_id'))

    op.drop_table('speaker_links')
