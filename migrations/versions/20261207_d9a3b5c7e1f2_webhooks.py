"""Webhooks: endpoints admins register, and each delivery with its last attempt.

Revision ID: d9a3b5c7e1f2
Revises: c4e8f2a6b1d3
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import hiring.extensions


# revision identifiers, used by Alembic.
revision = 'd9a3b5c7e1f2'
down_revision = 'c4e8f2a6b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webhook_endpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', hiring.extensions.CleanString(length=500), nullable=False),
        sa.Column('description', hiring.extensions.CleanString(length=200), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('secret', hiring.extensions.CleanString(length=100), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', hiring.extensions.UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_webhook_endpoints_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints')),
    )
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('message_id', hiring.extensions.CleanString(length=40), nullable=False),
        sa.Column('event', hiring.extensions.CleanString(length=40), nullable=False),
        sa.Column('payload', hiring.extensions.CleanText(), nullable=False),
        sa.Column('created_at', hiring.extensions.UTCDateTime(), nullable=False),
        sa.Column('next_attempt_at', hiring.extensions.UTCDateTime(), nullable=True),
        sa.Column('claimed_at', hiring.extensions.UTCDateTime(), nullable=True),
        sa.Column('delivered_at', hiring.extensions.UTCDateTime(), nullable=True),
        sa.Column('gave_up_at', hiring.extensions.UTCDateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_ms', sa.Integer(), nullable=True),
        sa.Column('last_error', hiring.extensions.CleanString(length=500), nullable=False),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_endpoint_id'), ['endpoint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_next_attempt_at'), ['next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_message_id'))
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_endpoint_id'))
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_endpoints')
