"""API tokens: personal and service bearer tokens, kept as digests.

Revision ID: c4e8f2a6b1d3
Revises: b3d7c1e9a2f4
Create Date: 2026-12-07 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import hiring.extensions


# revision identifiers, used by Alembic.
revision = 'c4e8f2a6b1d3'
down_revision = 'b3d7c1e9a2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', hiring.extensions.CleanString(length=100), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('digest', hiring.extensions.CleanString(length=64), nullable=False),
        sa.Column('prefix', hiring.extensions.CleanString(length=16), nullable=False),
        sa.Column('created_at', hiring.extensions.UTCDateTime(), nullable=False),
        sa.Column('expires_at', hiring.extensions.UTCDateTime(), nullable=True),
        sa.Column('revoked_at', hiring.extensions.UTCDateTime(), nullable=True),
        sa.Column('last_used_at', hiring.extensions.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('digest', name=op.f('uq_api_tokens_digest')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
