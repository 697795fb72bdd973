"""Held entries: what each person's calendar holds, as last mailed; calendar messages in order

Revision ID: 0008_held_entries
Revises: 0007_releases
Create Date: 2026-12-03 15:48:08.531005

Existing data is carried over as it stands: a confirmed seat of an event
once published, and a speaker's slot marked in their calendar, become held
entries at the SEQUENCE the old formulas gave them; a CANCEL still waiting
for the next release (pending_cancellations) becomes a held entry without
its invitation, which the next change to the event cancels. Speaker links
that a newer e-mail had ended work again: only revoked links stay ended.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


OLD_STATUS = sa.Enum('waiting', 'sent', 'failed', name='outbox_status', native_enum=False, create_constraint=True)
NEW_STATUS = sa.Enum('waiting', 'sent', 'failed', 'superseded', name='outbox_status', native_enum=False,
                     create_constraint=True)


# revision identifiers, used by Alembic.
revision = '0008_held_entries'
down_revision = '0007_releases'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('slot_speaker_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('summary', sa.String(length=420), nullable=False),
    sa.Column('start_utc', sa.DateTime(), nullable=False),
    sa.Column('end_utc', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('join_url', sa.String(length=500), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("NOT cancelled OR join_url = ''", name=op.f('ck_held_entries_cancelled_without_join_link')),
    sa.CheckConstraint("kind IN ('seat', 'part')", name=op.f('ck_held_entries_kind_known')),
    sa.CheckConstraint("registration_id IS NULL OR kind = 'seat'", name=op.f('ck_held_entries_seats_held_by_registrations')),
    sa.CheckConstraint("slot_speaker_id IS NULL OR kind = 'part'", name=op.f('ck_held_entries_parts_held_by_speakers')),
    sa.CheckConstraint('end_utc > start_utc', name=op.f('ck_held_entries_ends_after_start')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_held_entries_sequence_not_negative')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_held_entries_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_held_entries_registration_id_registrations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['slot_speaker_id'], ['slot_speakers.id'], name=op.f('fk_held_entries_slot_speaker_id_slot_speakers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_entries')),
    sa.UniqueConstraint('uid', name=op.f('uq_held_entries_uid'))
    )
    with op.batch_alter_table('held_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_entries_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_entries_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_entries_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_entries_slot_speaker_id'), ['slot_speaker_id'], unique=False)

    _held_from_old_rows()

    with op.batch_alter_table('pending_cancellations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_cancellations_event_id'))

    op.drop_table('pending_cancellations')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_uid', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('calendar_sequence', sa.Integer(), nullable=True))
        batch_op.alter_column('status', existing_type=OLD_STATUS, type_=NEW_STATUS, existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_calendar_uid'), ['calendar_uid'], unique=False)
        batch_op.create_check_constraint(
            'calendar_uid_with_sequence', '(calendar_uid IS NULL) = (calendar_sequence IS NULL)')

    with op.batch_alter_table('slot_speakers', schema=None) as batch_op:
        batch_op.drop_column('sequence')
        batch_op.drop_column('in_calendar')

    op.execute("UPDATE speaker_links SET ended_at = NULL, end_reason = '' WHERE end_reason = 'replaced'")


_HELD = sa.table(
    'held_entries', *(sa.column(name) for name in (
        'uid', 'kind', 'event_id', 'registration_id', 'slot_speaker_id', 'email', 'name', 'sequence', 'cancelled',
        'summary', 'start_utc', 'end_utc', 'location', 'join_url', 'role', 'zone', 'sent_at')),
)


def _held_from_old_rows():
    """Seats and speakers' slots as the old code last mailed them (kept here:
    a migration must not change when the application does)."""
    bind = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = []
    for r in bind.execute(sa.text(
            "SELECT r.id, r.uid, r.email, r.name, r.sequence AS own, e.id AS event_id, e.sequence, e.status, "
            "e.title, e.start_utc, e.end_utc, e.venue, e.join_url, e.timezone FROM registrations r "
            "JOIN events e ON e.id = r.event_id WHERE r.status = 'confirmed' AND e.published_at IS NOT NULL")):
        cancelled = r.status == 'cancelled'
        rows.append({'uid': r.uid, 'kind': 'seat', 'event_id': r.event_id, 'registration_id': r.id,
                     'slot_speaker_id': None, 'email': r.email, 'name': r.name, 'sequence': r.sequence + r.own,
                     'cancelled': cancelled, 'summary': r.title, 'start_utc': r.start_utc, 'end_utc': r.end_utc,
                     'location': r.venue, 'join_url': '' if cancelled else r.join_url, 'role': 'attendee',
                     'zone': r.timezone, 'sent_at': now})
    for r in bind.execute(sa.text(
            "SELECT ss.id, ss.uid, ss.role, ss.sequence AS own, sp.email, sp.name, s.title AS slot_title, "
            "s.sequence AS slot_sequence, s.start_utc, s.end_utc, e.id AS event_id, e.sequence, e.title, e.venue, "
            "e.join_url, e.timezone FROM slot_speakers ss JOIN speakers sp ON sp.id = ss.speaker_id "
            "JOIN slots s ON s.id = ss.slot_id JOIN events e ON e.id = s.event_id WHERE ss.in_calendar")):
        rows.append({'uid': r.uid, 'kind': 'part', 'event_id': r.event_id, 'registration_id': None,
                     'slot_speaker_id': r.id, 'email': r.email, 'name': r.name,
                     'sequence': r.sequence + r.slot_sequence + r.own, 'cancelled': False,
                     'summary': f"{r.slot_title} · {r.title}", 'start_utc': r.start_utc, 'end_utc': r.end_utc,
                     'location': r.venue, 'join_url': r.join_url, 'role': r.role, 'zone': r.timezone,
                     'sent_at': now})
    for r in bind.execute(sa.text(
            "SELECT p.invitation_uid, p.sequence, p.name, p.email, p.title AS slot_title, p.start_utc, p.end_utc, "
            "e.id AS event_id, e.title, e.venue, e.join_url, e.timezone FROM pending_cancellations p "
            "JOIN events e ON e.id = p.event_id")):
        rows.append({'uid': r.invitation_uid, 'kind': 'part', 'event_id': r.event_id, 'registration_id': None,
                     'slot_speaker_id': None, 'email': r.email, 'name': r.name, 'sequence': r.sequence - 1,
                     'cancelled': False, 'summary': f"{r.slot_title} · {r.title}", 'start_utc': r.start_utc,
                     'end_utc': r.end_utc, 'location': r.venue, 'join_url': r.join_url, 'role': 'speaker',
                     'zone': r.timezone, 'sent_at': now})
    if rows:
        op.bulk_insert(_HELD, rows)


def downgrade():
    with op.batch_alter_table('slot_speakers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_calendar', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE slot_speakers SET in_calendar = true, sequence = "
               "(SELECT h.sequence FROM held_entries h WHERE h.uid = slot_speakers.uid) "
               "WHERE uid IN (SELECT uid FROM held_entries WHERE NOT cancelled)")
    op.execute("UPDATE outbox_messages SET status = 'failed' WHERE status = 'superseded'")

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint('calendar_uid_with_sequence', type_='check')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_calendar_uid'))
        batch_op.alter_column('status', existing_type=NEW_STATUS, type_=OLD_STATUS, existing_nullable=False)
        batch_op.drop_column('calendar_sequence')
        batch_op.drop_column('calendar_uid')

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

    with op.batch_alter_table('held_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_entries_slot_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_held_entries_registration_id'))
        batch_op.drop_index(batch_op.f('ix_held_entries_event_id'))
        batch_op.drop_index(batch_op.f('ix_held_entries_email'))

    op.drop_table('held_entries')
