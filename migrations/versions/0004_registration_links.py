"""Registration windows, approval, pending status and secret links in their own table

Revision ID: 0004_registration_links
Revises: 0003_registrations
Create Date: 2026-11-23 09:55:25.726535

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_registration_links'
down_revision = '0003_registrations'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('confirmed', 'waitlisted', 'cancelled')"
NEW_STATUSES = "status IN ('pending', 'confirmed', 'waitlisted', 'cancelled')"


def upgrade():
    op.create_table('registration_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_links_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_registration_links_token_hash'))
    )
    with op.batch_alter_table('registration_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_links_registration_id'), ['registration_id'], unique=False)
    # Links already mailed keep working.
    op.execute("INSERT INTO registration_links (registration_id, token_hash, created_at) "
               "SELECT id, token_hash, created_at FROM registrations")

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_opens_utc', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('registration_closes_utc', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approval_required', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(
            'registration_closes_after_opening',
            'registration_closes_utc IS NULL OR registration_opens_utc IS NULL'
            ' OR registration_closes_utc > registration_opens_utc')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_registrations_token_hash'), type_='unique')
        batch_op.drop_column('token_hash')
        batch_op.drop_constraint(batch_op.f('ck_registrations_registration_status'), type_='check')
        batch_op.create_check_constraint('registration_status', NEW_STATUSES)


def downgrade():
    op.execute("DELETE FROM registrations WHERE status = 'pending'")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_registrations_registration_status'), type_='check')
        batch_op.create_check_constraint('registration_status', OLD_STATUSES)
        batch_op.add_column(sa.Column('token_hash', sa.VARCHAR(length=64), nullable=True))
    op.execute("UPDATE registrations SET token_hash = (SELECT min(token_hash) FROM registration_links "
               "WHERE registration_links.registration_id = registrations.id)")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.VARCHAR(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_registrations_token_hash'), ['token_hash'])
        batch_op.drop_column('status_changed_at')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_events_registration_closes_after_opening'), type_='check')
        batch_op.drop_column('approval_required')
        batch_op.drop_column('registration_closes_utc')
        batch_op.drop_column('registration_opens_utc')

    with op.batch_alter_table('registration_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_links_registration_id'))

    op.drop_table('registration_links')
