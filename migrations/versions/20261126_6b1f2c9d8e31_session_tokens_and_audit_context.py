"""Session tokens, and where and in which request an audited action happened.

A user's session token is part of every session cookie's user id: replacing it signs
the user out everywhere. Existing users get a random token each, which signs everyone
out once, on upgrade. Audit events gain the client address and the request id.

Revision ID: 6b1f2c9d8e31
Revises: 440a224eb649
Create Date: 2026-11-26 08:10:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6b1f2c9d8e31'
down_revision = '440a224eb649'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    users = sa.table('users', sa.column('id'), sa.column('session_token'))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(
            users.update().where(users.c.id == user_id).values(session_token=secrets.token_hex(32))
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=45), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('request_id', sa.String(length=32), nullable=False, server_default=''))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('address', server_default=None)
        batch_op.alter_column('request_id', server_default=None)
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))
        batch_op.drop_column('request_id')
        batch_op.drop_column('address')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')
