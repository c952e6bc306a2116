"""API creates sent with an Idempotency-Key, and their answers.

Revision ID: e2f4a6c8d0b1
Revises: d9a3b5c7e1f2
Create Date: 2026-12-07 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import hiring.extensions


# revision identifiers, used by Alembic.
revision = 'e2f4a6c8d0b1'
down_revision = 'd9a3b5c7e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_idempotency',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('key', hiring.extensions.CleanString(length=100), nullable=False),
        sa.Column('fingerprint', hiring.extensions.CleanString(length=64), nullable=False),
        sa.Column('status', sa.Integer(), nullable=False),
        sa.Column('body', hiring.extensions.CleanText(), nullable=False),
        sa.Column('created_at', hiring.extensions.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_api_idempotency_token_id_api_tokens'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency')),
        sa.UniqueConstraint('token_id', 'key', name=op.f('uq_api_idempotency_token_id_key')),
    )


def downgrade():
    op.drop_table('api_idempotency')
