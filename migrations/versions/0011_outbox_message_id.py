"""Outbox messages record their Message-ID and whether an attempt is under way

Revision ID: 0011_outbox_message_id
Revises: 0010_api_token_lifetime
Create Date: 2026-12-05 10:00:00.000000

"""
from email.parser import BytesHeaderParser

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_outbox_message_id'
down_revision = '0010_api_token_lifetime'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('sending_since', sa.DateTime(), nullable=True))
    # Every queued message has carried a Message-ID header since the outbox began: copy it out.
    conn = op.get_bind()
    outbox = sa.table('outbox_messages', sa.column('id', sa.Integer), sa.column('message', sa.LargeBinary),
                      sa.column('message_id', sa.String))
    parse = BytesHeaderParser().parsebytes
    for row_id, message in conn.execute(sa.select(outbox.c.id, outbox.c.message)):
        conn.execute(outbox.update().where(outbox.c.id == row_id)
                     .values(message_id=str(parse(message)['Message-ID']).strip()))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=250), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_message_id'), ['message_id'])


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_message_id'), type_='unique')
        batch_op.drop_column('sending_since')
        batch_op.drop_column('message_id')
