"""Releases: numbered published states of an agenda, what each changed, and pending CANCELs

Revision ID: 0007_releases
Revises: 0006_feed_stamps
Create Date: 2026-11-23 10:52:37.041985

Events already published get release 1, a snapshot of their agenda as the
public saw it, so their first "Publish changes" compares with that.
"""
import json
from datetime import datetime, timezone

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

    _baseline_releases()

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


def _utc(value) -> str:
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _baseline_releases():
    """Release 1 for every published or cancelled event, in the shape
    forum.services.releases.snapshot() writes (kept here: a migration must
    not change when the application does)."""
    bind = op.get_bind()
    events = bind.execute(sa.text(
        "SELECT id FROM events WHERE status = 'published' OR (status = 'cancelled' AND published_at IS NOT NULL)"
    )).all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for (event_id,) in events:
        speakers = {}
        for slot_id, name, status, role in bind.execute(sa.text(
            "SELECT ss.slot_id, sp.name, ss.status, ss.role FROM slot_speakers ss "
            "JOIN speakers sp ON sp.id = ss.speaker_id JOIN slots s ON s.id = ss.slot_id "
            "WHERE s.event_id = :event ORDER BY ss.position, ss.id"), {"event": event_id}):
            speakers.setdefault(slot_id, []).append({"name": name, "status": status, "role": role})
        snapshot = [
            {"id": row.id, "uid": row.uid, "title": row.title, "kind": row.kind, "track": row.track,
             "description": row.description, "speakers_text": row.speakers_text,
             "start_utc": _utc(row.start_utc), "end_utc": _utc(row.end_utc), "position": row.position,
             "sequence": row.sequence, "speakers": speakers.get(row.id, [])}
            for row in bind.execute(sa.text(
                "SELECT id, uid, title, kind, track, description, speakers_text, start_utc, end_utc, position, "
                "sequence FROM slots WHERE event_id = :event ORDER BY start_utc, position, id"), {"event": event_id})
        ]
        bind.execute(sa.text(
            "INSERT INTO releases (event_id, number, comment, created_at, snapshot_json, changes_json, notified) "
            "VALUES (:event, 1, 'Published', :now, :snapshot, '[]', 0)"),
            {"event": event_id, "now": now, "snapshot": json.dumps(snapshot, ensure_ascii=False)})


def downgrade():
    with op.batch_alter_table('pending_cancellations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_cancellations_event_id'))

    op.drop_table('pending_cancellations')
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_releases_event_id'))

    op.drop_table('releases')
