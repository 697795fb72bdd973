"""Names that say one thing: a speaker's assignment to a slot is an invitation

`slot_speakers` becomes `invitations` and `speaker_log` `invitation_log`;
the columns that point at an invitation (`slot_speaker_id`) become
`invitation_id`, and every constraint, index and sequence named after them
follows, so the names stay those the models' naming convention gives. Rows,
ids and the links between them are kept.

Revision ID: 0014_names
Revises: 0013_registration_holds
Create Date: 2026-12-04 02:30:00.000000

"""
import re

from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_names'
down_revision = '0013_registration_holds'
branch_labels = None
depends_on = None

# Each table: its new name, and its columns, constraints and indexes renamed.
RENAMES = {
    'slot_speakers': ('invitations', {}, {
        'pk_slot_speakers': 'pk_invitations',
        'uq_slot_speakers_uid': 'uq_invitations_uid',
        'uq_slot_speakers_slot_speaker': 'uq_invitations_slot_speaker',
        'fk_slot_speakers_slot_id_slots': 'fk_invitations_slot_id_slots',
        'fk_slot_speakers_speaker_id_speakers': 'fk_invitations_speaker_id_speakers',
        'ck_slot_speakers_proposals_have_a_time': 'ck_invitations_proposals_have_a_time',
        'ck_slot_speakers_reminders_not_negative': 'ck_invitations_reminders_not_negative',
        'ck_slot_speakers_speaker_role': 'ck_invitations_speaker_role',
        'ck_slot_speakers_speaker_status': 'ck_invitations_invitation_status',
    }, {
        'ix_slot_speakers_slot_id': 'ix_invitations_slot_id',
        'ix_slot_speakers_speaker_id': 'ix_invitations_speaker_id',
    }),
    'speaker_log': ('invitation_log', {'slot_speaker_id': 'invitation_id'}, {
        'pk_speaker_log': 'pk_invitation_log',
        'fk_speaker_log_slot_speaker_id_slot_speakers': 'fk_invitation_log_invitation_id_invitations',
    }, {
        'ix_speaker_log_slot_speaker_id': 'ix_invitation_log_invitation_id',
    }),
    'held_entries': ('held_entries', {'slot_speaker_id': 'invitation_id'}, {
        'fk_held_entries_slot_speaker_id_slot_speakers': 'fk_held_entries_invitation_id_invitations',
    }, {
        'ix_held_entries_slot_speaker_id': 'ix_held_entries_invitation_id',
    }),
}


def _inverse(renames):
    def flip(names):
        return {new: old for old, new in names.items()}
    return {new: (old, flip(columns), flip(constraints), flip(indexes))
            for old, (new, columns, constraints, indexes) in renames.items()}


def _on_postgresql(renames):
    """PostgreSQL renames in place (a CHECK follows its column by itself)."""
    for table, (new, columns, constraints, indexes) in renames.items():
        if new != table:
            op.execute(f'ALTER TABLE {table} RENAME TO {new}')
            op.execute(f'ALTER SEQUENCE {table}_id_seq RENAME TO {new}_id_seq')
        for column, name in columns.items():
            op.execute(f'ALTER TABLE {new} RENAME COLUMN {column} TO {name}')
        for constraint, name in constraints.items():
            op.execute(f'ALTER TABLE {new} RENAME CONSTRAINT {constraint} TO {name}')
        for index, name in indexes.items():
            op.execute(f'ALTER INDEX {index} RENAME TO {name}')


def _on_sqlite(renames):
    """SQLite keeps constraint names and CHECK texts inside each table's
    definition: every table is built again from its own definition with the
    names replaced, its rows copied, as Alembic's batch mode does."""
    connection = op.get_bind()
    if connection.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError('Run this migration with PRAGMA foreign_keys off: dropping a table would cascade.')
    names = {}
    for table, (new, columns, constraints, indexes) in renames.items():
        names.update({table: new, **columns, **constraints, **indexes})

    def renamed(sql):
        return re.sub(r'\b\w+\b', lambda word: names.get(word.group(), word.group()), sql)

    for table, (new, columns, _, _) in renames.items():
        definition = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
        index_definitions = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,)).scalars().all()
        old_columns = [row[1] for row in connection.exec_driver_sql(f'PRAGMA table_info("{table}")')]
        building = f'_building_{new}'
        connection.exec_driver_sql(re.sub(r'^CREATE TABLE (IF NOT EXISTS )?("?)\w+\2', f'CREATE TABLE "{building}"',
                                          renamed(definition)))
        connection.exec_driver_sql(
            f'INSERT INTO "{building}" ({", ".join(columns.get(c, c) for c in old_columns)}) '
            f'SELECT {", ".join(old_columns)} FROM "{table}"')
        connection.exec_driver_sql(f'DROP TABLE "{table}"')
        connection.exec_driver_sql(f'ALTER TABLE "{building}" RENAME TO "{new}"')
        for index in index_definitions:
            connection.exec_driver_sql(renamed(index))


def _rename(renames):
    if op.get_bind().dialect.name == 'postgresql':
        _on_postgresql(renames)
    else:
        _on_sqlite(renames)


def upgrade():
    _rename(RENAMES)


def downgrade():
    _rename(_inverse(RENAMES))
